/**
 * The simulation's event queue: a binary min-heap ordered by (time, priority,
 * sequence). The sequence number makes the order of simultaneous events of the
 * same priority the order they were scheduled in, so a run never depends on how
 * the heap happens to break ties: the same seed gives the same run.
 */
export interface SimEvent {
  /** Virtual time in seconds since the start of day 0. */
  atS: number;
  /** Lower runs first among events at the same second (day start before orders). */
  priority: number;
  seq: number;
}

/** Omit over each member of a union. */
export type Unscheduled<E> = E extends SimEvent ? Omit<E, 'seq'> : never;

export class EventQueue<E extends SimEvent> {
  private readonly heap: E[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Adds an event; its `seq` is assigned here. */
  push(event: Unscheduled<E>): void {
    const e = event as unknown as E;
    e.seq = this.nextSeq++;
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  if (a.atS !== b.atS) return a.atS < b.atS;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}
