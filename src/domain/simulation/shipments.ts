/**
 * Goods on the move in a run: replenishment waves (scheduled per day, each working out the
 * nodes' needs by tier within the source's daily units, trucks and distance), sourcing transfers,
 * shipments in transit and their arrival into the stock book.
 */
import { M } from './kpi.ts';
import { SECONDS_PER_DAY, type SimAction } from './model.ts';
import { CLASS_IX, P_ARRIVAL, P_WAVE, type Ev, type SimRun } from './run.ts';

/** Goods on their way to one node: item, quantity and expiry day per line. */
export interface Shipment {
  items: number[];
  qty: number[];
  expiry: number[];
}

export function newShipment(): Shipment {
  return { items: [], qty: [], expiry: [] };
}

/** Puts `qty` of item i on a shipment to node `to` arriving on `arrivalDay` (in transit until it arrives; the lot expires after the item's shelf life). */
export function load(run: SimRun, s: Shipment, to: number, i: number, qty: number, arrivalDay: number): void {
  s.items.push(i);
  s.qty.push(qty);
  s.expiry.push(arrivalDay + run.input.items[i].shelfLifeDays - 1);
  run.inTransit[to * run.I + i] += qty;
}

/** Queues the shipment's arrival at node `to` (nothing when it carries nothing). */
export function send(run: SimRun, s: Shipment, to: number, atS: number, ref: string): void {
  if (s.items.length > 0) run.q.push({ kind: 'arrival', atS, priority: P_ARRIVAL, node: to, items: s.items, qty: s.qty, expiry: s.expiry, ref });
}

/** Queues the waves of the replenishment in force that leave on `day` at or after `fromS`. */
export function scheduleWaves(run: SimRun, fromS: number, day: number): void {
  for (const w of run.replenishment.waves) {
    const at = day * SECONDS_PER_DAY + w.departMin * 60;
    if (at >= fromS) run.q.push({ kind: 'wave', atS: at, priority: P_WAVE, version: run.replVersion, classes: w.classes, leadTimeMin: w.leadTimeMin, nodes: null });
  }
}

type Need = { n: number; i: number; q: number };

/** A wave leaves the source: what each node needs of the wave's classes, then loaded and sent. A wave of a replaced plan does nothing. */
export function wave(run: SimRun, e: Extract<Ev, { kind: 'wave' }>): void {
  if (e.nodes === null && e.version !== run.replVersion) return;
  const day = Math.floor(e.atS / SECONDS_PER_DAY);
  shipNeeds(run, e, day, waveNeeds(run, e, day));
}

/** What the wave's target nodes need, by tier (the index), each node's class scaled down to fit its storage; counts the units asked. */
function waveNeeds(run: SimRun, e: Extract<Ev, { kind: 'wave' }>, day: number): Need[][] {
  const { input, stock, inTransit, itemTier, I } = run;
  const exp = run.expectedOrders();
  const cover = [run.replenishment.coverDays.none, run.replenishment.coverDays.essential, run.replenishment.coverDays.key];
  const classes = e.classes.map((c) => CLASS_IX[c]);
  const targets = e.nodes ?? input.nodes.map((_, n) => n);
  // Needs by tier (key first), so a short source serves key items first.
  const needs: Need[][] = [[], [], []];
  for (const n of targets) {
    if (!run.trading(n) || !run.isDeliveryNode(n) || exp[n] === 0) continue;
    const units = exp[n] * run.unitsPerOrder;
    for (const c of classes) {
      const list: Need[] = [];
      let volAfter = 0;
      for (const i of run.itemsByClass[c]) {
        const target = Math.ceil(units * input.itemMix[i] * cover[itemTier[i]]);
        const position = stock.available(n, i) + inTransit[n * I + i];
        const need = target - position;
        volAfter += (position + Math.max(0, need)) * input.items[i].volumeCm3;
        if (need > 0) list.push({ n, i, q: need });
      }
      // Storage: scale needs down so the class fits (0 = unlimited).
      const cap = input.nodes[n].storageCm3[(['ambient', 'chilled', 'frozen'] as const)[c]];
      let scale = 1;
      if (cap > 0 && volAfter > cap) {
        const needVol = list.reduce((a, x) => a + x.q * input.items[x.i].volumeCm3, 0);
        scale = Math.max(0, 1 - (volAfter - cap) / Math.max(1, needVol));
      }
      for (const x of list) {
        run.kpi.add(day, n, M.unitsAsked, x.q);
        const qq = Math.floor(x.q * scale);
        if (qq > 0) needs[itemTier[x.i]].push({ n, i: x.i, q: qq });
      }
    }
  }
  return needs;
}

/** Ships the needs, key items first, within the source's daily units left; trucks by volume, distance out and back, coolant. */
function shipNeeds(run: SimRun, e: Extract<Ev, { kind: 'wave' }>, day: number, needs: Need[][]): void {
  const { input, kpi } = run;
  const perNode = new Map<number, { s: Shipment; coldCm3: number; ambientCm3: number }>();
  const arrivalS = e.atS + e.leadTimeMin * 60;
  const arrivalDay = Math.floor(arrivalS / SECONDS_PER_DAY);
  for (const t of [2, 1, 0]) {
    const list = needs[t];
    const want = list.reduce((a, x) => a + x.q, 0);
    const left = Math.max(0, input.fleet.dailyUnits - run.shippedToday);
    const share = want <= left ? 1 : left / want;
    for (const x of list) {
      const qq = share === 1 ? x.q : Math.floor(x.q * share);
      if (qq <= 0) continue;
      run.shippedToday += qq;
      let p = perNode.get(x.n);
      if (!p) perNode.set(x.n, (p = { s: newShipment(), coldCm3: 0, ambientCm3: 0 }));
      load(run, p.s, x.n, x.i, qq, arrivalDay);
      const vol = qq * input.items[x.i].volumeCm3;
      if (run.itemClass[x.i] === 0) p.ambientCm3 += vol;
      else p.coldCm3 += vol;
      kpi.add(day, x.n, M.unitsSent, qq);
    }
  }
  for (const [n, p] of perNode) {
    const cold = p.coldCm3 > 0 ? Math.ceil(p.coldCm3 / input.fleet.coldTripCapacityCm3) : 0;
    const amb = p.ambientCm3 > 0 ? Math.ceil(p.ambientCm3 / input.fleet.ambientTripCapacityCm3) : 0;
    kpi.add(day, n, M.coldTrips, cold);
    kpi.add(day, n, M.ambientTrips, amb);
    kpi.add(day, n, M.distanceM, (cold + amb) * 2 * run.distToSource[n]);
    kpi.add(day, n, M.coolantPacks, cold * input.fleet.coolantPacksPerColdTrip);
    send(run, p.s, n, arrivalS, `wave@${e.atS}`);
  }
}

/** Goods arrive: received into the stock book, no longer in transit. */
export function arrival(run: SimRun, e: Extract<Ev, { kind: 'arrival' }>): void {
  const day = Math.floor(e.atS / SECONDS_PER_DAY);
  for (let k = 0; k < e.items.length; k++) {
    run.stock.receive(e.node, e.items[k], e.qty[k], e.expiry[k], e.ref);
    run.inTransit[e.node * run.I + e.items[k]] -= e.qty[k];
    run.kpi.add(day, e.node, M.unitsReceived, e.qty[k]);
  }
}

/** A sourcing transfer leaves its giver with what the giver has, and arrives later. */
export function transfer(run: SimRun, a: Extract<SimAction, { kind: 'transfer' }>, nowS: number): void {
  const { stock, kpi } = run;
  const from = run.nodeOf(a.fromNodeId);
  const to = run.nodeOf(a.toNodeId);
  const day = Math.floor(nowS / SECONDS_PER_DAY);
  const arrivalDay = Math.floor(a.arriveAtS / SECONDS_PER_DAY);
  const s = newShipment();
  for (const l of a.lines) {
    const i = run.itemOf(l.itemId);
    let take = l.quantity;
    if (from === run.source) {
      // The source's stock is not modelled: its daily shipping (shared with the waves) is the limit.
      take = Math.min(take, Math.max(0, run.input.fleet.dailyUnits - run.shippedToday));
      run.shippedToday += take;
    } else if (!run.trading(from)) {
      // A store the lockdown suspends is sealed: nobody may pick there, so nothing leaves it
      // (from its online-only reopening, closed-loop staff pick again and it may give).
      take = 0;
    } else {
      take = Math.min(take, Math.max(0, stock.available(from, i)));
      if (take > 0) {
        const res = -1 - run.nextTransferRes++;
        stock.reserve(from, i, take, res);
        stock.pick(from, i, take, res, day);
        kpi.add(day, from, M.unitsTransferredOut, take);
      }
    }
    if (take <= 0) continue;
    kpi.add(day, to, M.unitsSent, take);
    load(run, s, to, i, take, arrivalDay);
  }
  send(run, s, to, Math.max(nowS, a.arriveAtS), `transfer@${nowS}`);
}
