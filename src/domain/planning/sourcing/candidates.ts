/**
 * The candidate sources of a sourcing plan as a struct of typed arrays: one entry per candidate,
 * stored need by need, so a need's candidates are one index range. At 200 nodes × 5,000 items
 * there are millions of candidates; as JS objects they took most of the planner's heap.
 */

/** One candidate source of one need, as callers see it (materialised by `CandidateTable.at`). */
interface CandidateBase {
  need: number;
  arrivalH: number;
  /** Money per unit: transport, handling, delivery, premium. */
  unitCostFen: number;
  /** Money + late penalty per unit: what the model minimises per unit. */
  effectiveFenPerUnit: number;
}
export type Candidate = CandidateBase &
  (
    | { kind: 'transfer'; fromNodeId: string; distanceM: number; maxUnits: number }
    | { kind: 'diversion'; shipmentId: string; fromNodeId: string; originalNodeId: string; distanceM: number; maxUnits: number }
    | { kind: 'supplier_order'; supplierId: string; expedited: boolean; premiumFenPerUnit: number; normalLeadTimeH: number; packSize: number; moqUnits: number; maxPacks: number }
  );

export const TRANSFER = 0;
export const DIVERSION = 1;
export const SUPPLIER_ORDER = 2;
const KINDS = ['transfer', 'diversion', 'supplier_order'] as const;

/** A supplier's offer of an item as the candidate table keeps it (shared by every need's order of it). */
export interface OfferFields {
  supplierId: string;
  packSize: number;
  moqUnits: number;
  leadTimeH: number;
  expeditePremiumFenPerUnit: number;
}

/**
 * Candidates in struct-of-arrays form, about 54 bytes each. Node and shipment ids are kept as
 * indices into the table's id lists; a supplier order points at its offer (supplier, pack, MOQ,
 * lead time, premium), which every need's order of that offer shares. Fields that a kind does
 * not have hold 0 (or −1 for references). `cap` is maxUnits for transfers and diversions and
 * maxPacks for orders.
 */
export class CandidateTable {
  count = 0;
  kind: Uint8Array;
  expedited: Uint8Array;
  need: Int32Array;
  arrivalH: Float64Array;
  unitCostFen: Float64Array;
  effectiveFenPerUnit: Float64Array;
  /** Transfer: the giving node; diversion: the shipment's origin (node index). */
  from: Int32Array;
  /** Diversion: the shipment's destination (node index). */
  original: Int32Array;
  /** Diversion: the shipment (index); supplier order: the offer (index). */
  ref: Int32Array;
  distanceM: Int32Array;
  cap: Float64Array;
  /** Candidates of need n are [needStart[n], needStart[n + 1]). */
  needStart: Int32Array;

  private readonly nodeIndex = new Map<string, number>();
  private readonly shipmentIndex = new Map<string, number>();
  private readonly offerIndex = new Map<OfferFields, number>();
  private readonly offers: OfferFields[] = [];
  private offerPack = new Float64Array(0);
  private offerMoq = new Float64Array(0);

  constructor(
    readonly nodeIds: readonly string[],
    readonly shipmentIds: readonly string[],
    needs: number,
    capacity = 1024,
  ) {
    nodeIds.forEach((id, k) => this.nodeIndex.set(id, k));
    shipmentIds.forEach((id, k) => this.shipmentIndex.set(id, k));
    this.kind = new Uint8Array(capacity);
    this.expedited = new Uint8Array(capacity);
    this.need = new Int32Array(capacity);
    this.arrivalH = new Float64Array(capacity);
    this.unitCostFen = new Float64Array(capacity);
    this.effectiveFenPerUnit = new Float64Array(capacity);
    this.from = new Int32Array(capacity);
    this.original = new Int32Array(capacity);
    this.ref = new Int32Array(capacity);
    this.distanceM = new Int32Array(capacity);
    this.cap = new Float64Array(capacity);
    this.needStart = new Int32Array(needs + 1);
  }

  /**
   * Appends a candidate; candidates must come in need order (a need's all together). A supplier
   * order names its offer (`offer`), whose supplier, pack, MOQ and lead time it must carry.
   */
  push(c: Candidate, offer?: OfferFields): number {
    const i = this.count;
    if (i === this.kind.length) this.grow(Math.ceil(i * 1.5));
    this.count = i + 1;
    this.kind[i] = c.kind === 'transfer' ? TRANSFER : c.kind === 'diversion' ? DIVERSION : SUPPLIER_ORDER;
    this.need[i] = c.need;
    this.arrivalH[i] = c.arrivalH;
    this.unitCostFen[i] = c.unitCostFen;
    this.effectiveFenPerUnit[i] = c.effectiveFenPerUnit;
    this.from[i] = -1;
    this.original[i] = -1;
    this.ref[i] = -1;
    if (c.kind === 'supplier_order') {
      if (!offer) throw new Error('a supplier order needs its offer');
      let o = this.offerIndex.get(offer);
      if (o === undefined) {
        o = this.offers.length;
        this.offers.push(offer);
        this.offerIndex.set(offer, o);
      }
      this.ref[i] = o;
      this.expedited[i] = c.expedited ? 1 : 0;
      this.cap[i] = c.maxPacks;
    } else {
      this.from[i] = this.nodeIndex.get(c.fromNodeId)!;
      this.distanceM[i] = c.distanceM;
      this.cap[i] = c.maxUnits;
      if (c.kind === 'diversion') {
        this.original[i] = this.nodeIndex.get(c.originalNodeId)!;
        this.ref[i] = this.shipmentIndex.get(c.shipmentId)!;
      }
    }
    // needStart[n + 1] ends up at the count after need n's last candidate; `seal` fills the gaps.
    this.needStart[c.need + 1] = i + 1;
    return i;
  }

  /** Closes the table after the last push: needs with no candidates get empty ranges, spare capacity is dropped. */
  seal(): void {
    for (let n = 1; n < this.needStart.length; n++) if (this.needStart[n] < this.needStart[n - 1]) this.needStart[n] = this.needStart[n - 1];
    this.grow(this.count);
    this.offerPack = Float64Array.from(this.offers, (o) => o.packSize);
    this.offerMoq = Float64Array.from(this.offers, (o) => o.moqUnits);
  }

  /** The candidate as an object (allocates: for explanations and cold paths). */
  at(i: number): Candidate {
    const need = this.need[i];
    const arrivalH = this.arrivalH[i];
    const unitCostFen = this.unitCostFen[i];
    const effectiveFenPerUnit = this.effectiveFenPerUnit[i];
    const k = this.kind[i];
    if (k === SUPPLIER_ORDER) {
      const o = this.offers[this.ref[i]];
      const expedited = this.expedited[i] === 1;
      return { kind: 'supplier_order', need, arrivalH, unitCostFen, effectiveFenPerUnit, supplierId: o.supplierId, expedited, premiumFenPerUnit: expedited ? o.expeditePremiumFenPerUnit : 0, normalLeadTimeH: o.leadTimeH, packSize: o.packSize, moqUnits: o.moqUnits, maxPacks: this.cap[i] };
    }
    if (k === TRANSFER) return { kind: 'transfer', need, arrivalH, unitCostFen, effectiveFenPerUnit, fromNodeId: this.nodeIds[this.from[i]], distanceM: this.distanceM[i], maxUnits: this.cap[i] };
    return { kind: 'diversion', need, arrivalH, unitCostFen, effectiveFenPerUnit, shipmentId: this.shipmentIds[this.ref[i]], fromNodeId: this.nodeIds[this.from[i]], originalNodeId: this.nodeIds[this.original[i]], distanceM: this.distanceM[i], maxUnits: this.cap[i] };
  }

  kindOf(i: number): Candidate['kind'] {
    return KINDS[this.kind[i]];
  }

  isOrder(i: number): boolean {
    return this.kind[i] === SUPPLIER_ORDER;
  }

  /** Supplier orders: units per pack. */
  packSizeOf(i: number): number {
    return this.offerPack[this.ref[i]];
  }

  /** Supplier orders: the MOQ in units. */
  moqUnitsOf(i: number): number {
    return this.offerMoq[this.ref[i]];
  }

  supplierIdOf(i: number): string {
    return this.offers[this.ref[i]].supplierId;
  }

  fromNodeIdOf(i: number): string {
    return this.nodeIds[this.from[i]];
  }

  originalNodeIdOf(i: number): string {
    return this.nodeIds[this.original[i]];
  }

  shipmentIdOf(i: number): string {
    return this.shipmentIds[this.ref[i]];
  }

  /** The candidate indices of need n, as an array (allocates: for cold paths; hot ones loop over `needStart`). */
  ofNeed(n: number): number[] {
    const out: number[] = [];
    for (let i = this.needStart[n]; i < this.needStart[n + 1]; i++) out.push(i);
    return out;
  }

  private grow(size: number): void {
    const copy = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a.subarray(0, Math.min(a.length, size)) as never);
      return b;
    };
    const f64 = (n: number) => new Float64Array(n);
    const i32 = (n: number) => new Int32Array(n);
    const u8 = (n: number) => new Uint8Array(n);
    this.kind = copy(this.kind, u8);
    this.expedited = copy(this.expedited, u8);
    this.need = copy(this.need, i32);
    this.arrivalH = copy(this.arrivalH, f64);
    this.unitCostFen = copy(this.unitCostFen, f64);
    this.effectiveFenPerUnit = copy(this.effectiveFenPerUnit, f64);
    this.from = copy(this.from, i32);
    this.original = copy(this.original, i32);
    this.ref = copy(this.ref, i32);
    this.distanceM = copy(this.distanceM, i32);
    this.cap = copy(this.cap, f64);
  }
}
