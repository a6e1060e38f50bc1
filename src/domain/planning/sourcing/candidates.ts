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

/**
 * Candidates in struct-of-arrays form. Node, shipment and supplier ids are kept as indices into
 * the table's id lists. Fields that a kind does not have hold 0 (or −1 for ids).
 * `maxUnits` is the transfer/diversion cap in units; `maxPacks`, `packSize`, `moqUnits` are the
 * order's.
 */
export class CandidateTable {
  count = 0;
  kind: Uint8Array;
  need: Int32Array;
  arrivalH: Float64Array;
  unitCostFen: Float64Array;
  effectiveFenPerUnit: Float64Array;
  /** Transfer and diversion: the giving node; diversion: the shipment's origin. */
  from: Int32Array;
  /** Diversion: the shipment's destination (node index). */
  original: Int32Array;
  shipment: Int32Array;
  supplier: Int32Array;
  distanceM: Float64Array;
  maxUnits: Float64Array;
  expedited: Uint8Array;
  premiumFenPerUnit: Float64Array;
  normalLeadTimeH: Float64Array;
  packSize: Float64Array;
  moqUnits: Float64Array;
  maxPacks: Float64Array;
  /** Candidates of need n are [needStart[n], needStart[n + 1]). */
  needStart: Int32Array;

  private readonly nodeIndex = new Map<string, number>();
  private readonly shipmentIndex = new Map<string, number>();
  private readonly supplierIndex = new Map<string, number>();

  constructor(
    readonly nodeIds: readonly string[],
    readonly shipmentIds: readonly string[],
    readonly supplierIds: readonly string[],
    needs: number,
    capacity = 1024,
  ) {
    nodeIds.forEach((id, k) => this.nodeIndex.set(id, k));
    shipmentIds.forEach((id, k) => this.shipmentIndex.set(id, k));
    supplierIds.forEach((id, k) => this.supplierIndex.set(id, k));
    this.kind = new Uint8Array(capacity);
    this.need = new Int32Array(capacity);
    this.arrivalH = new Float64Array(capacity);
    this.unitCostFen = new Float64Array(capacity);
    this.effectiveFenPerUnit = new Float64Array(capacity);
    this.from = new Int32Array(capacity);
    this.original = new Int32Array(capacity);
    this.shipment = new Int32Array(capacity);
    this.supplier = new Int32Array(capacity);
    this.distanceM = new Float64Array(capacity);
    this.maxUnits = new Float64Array(capacity);
    this.expedited = new Uint8Array(capacity);
    this.premiumFenPerUnit = new Float64Array(capacity);
    this.normalLeadTimeH = new Float64Array(capacity);
    this.packSize = new Float64Array(capacity);
    this.moqUnits = new Float64Array(capacity);
    this.maxPacks = new Float64Array(capacity);
    this.needStart = new Int32Array(needs + 1);
  }

  /** Appends a candidate; candidates must come in need order (a need's all together). */
  push(c: Candidate): number {
    const i = this.count;
    if (i === this.kind.length) this.grow(i * 2);
    this.count = i + 1;
    this.kind[i] = c.kind === 'transfer' ? TRANSFER : c.kind === 'diversion' ? DIVERSION : SUPPLIER_ORDER;
    this.need[i] = c.need;
    this.arrivalH[i] = c.arrivalH;
    this.unitCostFen[i] = c.unitCostFen;
    this.effectiveFenPerUnit[i] = c.effectiveFenPerUnit;
    this.from[i] = -1;
    this.original[i] = -1;
    this.shipment[i] = -1;
    this.supplier[i] = -1;
    if (c.kind === 'supplier_order') {
      this.supplier[i] = this.supplierIndex.get(c.supplierId)!;
      this.expedited[i] = c.expedited ? 1 : 0;
      this.premiumFenPerUnit[i] = c.premiumFenPerUnit;
      this.normalLeadTimeH[i] = c.normalLeadTimeH;
      this.packSize[i] = c.packSize;
      this.moqUnits[i] = c.moqUnits;
      this.maxPacks[i] = c.maxPacks;
    } else {
      this.from[i] = this.nodeIndex.get(c.fromNodeId)!;
      this.distanceM[i] = c.distanceM;
      this.maxUnits[i] = c.maxUnits;
      if (c.kind === 'diversion') {
        this.original[i] = this.nodeIndex.get(c.originalNodeId)!;
        this.shipment[i] = this.shipmentIndex.get(c.shipmentId)!;
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
  }

  /** The candidate as an object (allocates: for explanations and cold paths). */
  at(i: number): Candidate {
    const need = this.need[i];
    const arrivalH = this.arrivalH[i];
    const unitCostFen = this.unitCostFen[i];
    const effectiveFenPerUnit = this.effectiveFenPerUnit[i];
    const k = this.kind[i];
    if (k === SUPPLIER_ORDER) {
      return { kind: 'supplier_order', need, arrivalH, unitCostFen, effectiveFenPerUnit, supplierId: this.supplierIds[this.supplier[i]], expedited: this.expedited[i] === 1, premiumFenPerUnit: this.premiumFenPerUnit[i], normalLeadTimeH: this.normalLeadTimeH[i], packSize: this.packSize[i], moqUnits: this.moqUnits[i], maxPacks: this.maxPacks[i] };
    }
    if (k === TRANSFER) return { kind: 'transfer', need, arrivalH, unitCostFen, effectiveFenPerUnit, fromNodeId: this.nodeIds[this.from[i]], distanceM: this.distanceM[i], maxUnits: this.maxUnits[i] };
    return { kind: 'diversion', need, arrivalH, unitCostFen, effectiveFenPerUnit, shipmentId: this.shipmentIds[this.shipment[i]], fromNodeId: this.nodeIds[this.from[i]], originalNodeId: this.nodeIds[this.original[i]], distanceM: this.distanceM[i], maxUnits: this.maxUnits[i] };
  }

  kindOf(i: number): Candidate['kind'] {
    return KINDS[this.kind[i]];
  }

  isOrder(i: number): boolean {
    return this.kind[i] === SUPPLIER_ORDER;
  }

  supplierIdOf(i: number): string {
    return this.supplierIds[this.supplier[i]];
  }

  fromNodeIdOf(i: number): string {
    return this.nodeIds[this.from[i]];
  }

  originalNodeIdOf(i: number): string {
    return this.nodeIds[this.original[i]];
  }

  shipmentIdOf(i: number): string {
    return this.shipmentIds[this.shipment[i]];
  }

  /** The candidate indices of need n, as an array (allocates: for cold paths; hot ones loop over `needStart`). */
  ofNeed(n: number): number[] {
    const out: number[] = [];
    for (let i = this.needStart[n]; i < this.needStart[n + 1]; i++) out.push(i);
    return out;
  }

  private grow(size: number): void {
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, Math.min(a.length, size)));
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a.subarray(0, Math.min(a.length, size)));
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(size);
      b.set(a.subarray(0, Math.min(a.length, size)));
      return b;
    };
    this.kind = u8(this.kind);
    this.need = i32(this.need);
    this.arrivalH = f64(this.arrivalH);
    this.unitCostFen = f64(this.unitCostFen);
    this.effectiveFenPerUnit = f64(this.effectiveFenPerUnit);
    this.from = i32(this.from);
    this.original = i32(this.original);
    this.shipment = i32(this.shipment);
    this.supplier = i32(this.supplier);
    this.distanceM = f64(this.distanceM);
    this.maxUnits = f64(this.maxUnits);
    this.expedited = u8(this.expedited);
    this.premiumFenPerUnit = f64(this.premiumFenPerUnit);
    this.normalLeadTimeH = f64(this.normalLeadTimeH);
    this.packSize = f64(this.packSize);
    this.moqUnits = f64(this.moqUnits);
    this.maxPacks = f64(this.maxPacks);
  }
}
