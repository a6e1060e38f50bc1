/**
 * The node × item states of a sourcing plan as a struct of typed arrays indexed by node and item
 * (at 200 nodes × 5,000 items there are a million; as objects in a Map keyed by strings they took
 * ~200 MB of the planner's heap).
 */

/** One node × item as the model sees it. */
export interface NodeItemState {
  nodeId: string;
  itemId: string;
  target: number;
  onHand: number;
  reserved: number;
  inbound: number;
  position: number;
  /** target + safety stock: a giver never goes below it. */
  floor: number;
  /** What the node can ship now without going below its floor: min(onHand − reserved, position − floor), ≥ 0. */
  giveCap: number;
  /** What may leave in total (transfers and diverted inbound) without going below the floor, ≥ 0. */
  surplusCap: number;
  receiver: boolean;
  canGive: boolean;
}

type Quantity = 'target' | 'onHand' | 'reserved' | 'inbound' | 'position' | 'floor' | 'giveCap' | 'surplusCap';
const QUANTITIES: readonly Quantity[] = ['target', 'onHand', 'reserved', 'inbound', 'position', 'floor', 'giveCap', 'surplusCap'];

/**
 * States by (node, item): a dense slot per node × item pair pointing at the state's row (−1: no
 * state), the quantities in one Float64Array each. `of(nodeId, itemId)` and `get(key)` materialise
 * a `NodeItemState` (a short-lived object); `size` and `values()` cover the pairs that have one.
 */
export class NodeItemStates {
  size = 0;
  private readonly nodeIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly slot: Int32Array;
  private readonly q: Record<Quantity, Float64Array>;
  private flags: Uint8Array;
  private nodeOf: Int32Array;
  private itemOf: Int32Array;

  constructor(
    private readonly nodeIds: readonly string[],
    private readonly itemIds: readonly string[],
  ) {
    nodeIds.forEach((id, k) => this.nodeIndex.set(id, k));
    itemIds.forEach((id, k) => this.itemIndex.set(id, k));
    this.slot = new Int32Array(nodeIds.length * itemIds.length).fill(-1);
    const capacity = 1024;
    this.q = Object.fromEntries(QUANTITIES.map((f) => [f, new Float64Array(capacity)])) as Record<Quantity, Float64Array>;
    this.flags = new Uint8Array(capacity);
    this.nodeOf = new Int32Array(capacity);
    this.itemOf = new Int32Array(capacity);
  }

  /** The row of a pair, or −1 (also for an unknown node or item). */
  rowOf(nodeId: string, itemId: string): number {
    const n = this.nodeIndex.get(nodeId);
    const i = this.itemIndex.get(itemId);
    return n === undefined || i === undefined ? -1 : this.slot[n * this.itemIds.length + i];
  }

  has(nodeId: string, itemId: string): boolean {
    return this.rowOf(nodeId, itemId) >= 0;
  }

  /** Adds a pair's state (the node and item must be among the table's). */
  add(s: NodeItemState): void {
    const n = this.nodeIndex.get(s.nodeId)!;
    const i = this.itemIndex.get(s.itemId)!;
    const r = this.size;
    if (r === this.flags.length) {
      const size = r * 2;
      for (const f of QUANTITIES) this.q[f] = grown(this.q[f], size);
      this.flags = grown(this.flags, size);
      this.nodeOf = grown(this.nodeOf, size);
      this.itemOf = grown(this.itemOf, size);
    }
    for (const f of QUANTITIES) this.q[f][r] = s[f];
    this.flags[r] = (s.receiver ? 1 : 0) | (s.canGive ? 2 : 0);
    this.nodeOf[r] = n;
    this.itemOf[r] = i;
    this.slot[n * this.itemIds.length + i] = r;
    this.size = r + 1;
  }

  /** The state of row `r`, materialised. */
  at(r: number): NodeItemState {
    const q = this.q;
    return {
      nodeId: this.nodeIds[this.nodeOf[r]],
      itemId: this.itemIds[this.itemOf[r]],
      target: q.target[r],
      onHand: q.onHand[r],
      reserved: q.reserved[r],
      inbound: q.inbound[r],
      position: q.position[r],
      floor: q.floor[r],
      giveCap: q.giveCap[r],
      surplusCap: q.surplusCap[r],
      receiver: (this.flags[r] & 1) !== 0,
      canGive: (this.flags[r] & 2) !== 0,
    };
  }

  of(nodeId: string, itemId: string): NodeItemState | undefined {
    const r = this.rowOf(nodeId, itemId);
    return r < 0 ? undefined : this.at(r);
  }

  /** By a `key(nodeId, itemId)` string (`nodeId|itemId`; a node id holding '|' is tried at each split). */
  get(k: string): NodeItemState | undefined {
    for (let at = k.indexOf('|'); at >= 0; at = k.indexOf('|', at + 1)) {
      const r = this.rowOf(k.slice(0, at), k.slice(at + 1));
      if (r >= 0) return this.at(r);
    }
    return undefined;
  }

  *values(): IterableIterator<NodeItemState> {
    for (let r = 0; r < this.size; r++) yield this.at(r);
  }

  /** Drops the spare capacity once every state is in. */
  seal(): void {
    const size = this.size;
    for (const f of QUANTITIES) this.q[f] = this.q[f].slice(0, size);
    this.flags = this.flags.slice(0, size);
    this.nodeOf = this.nodeOf.slice(0, size);
    this.itemOf = this.itemOf.slice(0, size);
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a as never);
  return b;
}
