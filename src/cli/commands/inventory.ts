/** CLI commands for the stock ledger: balances, movements, transfers, stock counts and the expiry job. */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, readFileArg, textTable, localTime, type CliContext } from '../context.ts';

/**
 * The stock ledger from the command line: balances and their export, movements, transfers,
 * stock counts and the daily expiry job. Every write sends an idempotency key (given with
 * --key, else a fresh one), so a command retried after a network error posts once.
 */
export function registerInventoryCommands(program: Command, ctx: CliContext): void {
  const json = () => !!program.opts().json;
  const int = (name: string, v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new CliError(`${name} must be an integer, got ${JSON.stringify(v)}`, 2);
    return Number(v);
  };
  const qs = (o: Record<string, unknown>) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && v !== false).map(([k, v]) => [k, String(v)]) as [string, string][]).toString();
  const key = (o: { key?: string }) => o.key ?? randomUUID();
  const printMovement = (r: any) =>
    ctx.print(r, {
      json: json(),
      table: (x) =>
        `${x.replayed ? 'already posted (replayed)' : 'posted'} ${x.kind} ${x.key}\n` +
        textTable(['node', 'item', 'lot', 'on hand Δ', 'reserved Δ', 'in transit in Δ', 'out Δ', 'variance'], x.lines.map((l: any) => [l.nodeId, l.itemId, l.lotCode || '-', l.onHandDelta, l.reservedDelta, l.inTransitInDelta, l.inTransitOutDelta, l.varianceQuantity])),
    });
  const postOp = async (op: Record<string, unknown>, o: { key?: string }) => {
    const k = key(o);
    printMovement(await ctx.request('POST', '/api/inventory/movements', { body: { ...op, key: k }, idempotencyKey: k }));
  };

  const stock = program.command('stock').description('the stock ledger: balances, movements, expiry');

  const filters = (c: Command) =>
    c
      .option('--node <id>', 'one node')
      .option('--item <id>', 'one item')
      .option('--category <c>', 'item category')
      .option('--tier <t>', 'none, essential, key')
      .option('--temperature <t>', 'ambient, chilled, frozen')
      .option('--demand <basis>', 'days of cover against baseline or surge demand', 'baseline')
      .option('--surge-percent <n>', 'surge demand as % of baseline', '300')
      .option('--include-zero', 'also rows with nothing on hand or in transit');
  const filterQuery = (o: any) => ({
    nodeId: o.node,
    itemId: o.item,
    category: o.category,
    essentialTier: o.tier,
    temperatureClass: o.temperature,
    demand: o.demand,
    surgePercent: o.surgePercent,
    includeZero: o.includeZero,
  });

  filters(stock.command('balances').description('on hand, reserved, in transit, available to promise, days of cover'))
    .option('--limit <n>', 'how many rows', '100')
    .action(async (o) => {
      const body = await ctx.request('GET', `/api/inventory/balances?${qs({ ...filterQuery(o), limit: o.limit })}`);
      ctx.print(body, {
        json: json(),
        table: (b: any) =>
          textTable(
            ['node', 'item', 'category', 'temp', 'tier', 'on hand', 'reserved', 'in transit in', 'out', 'ATP', 'demand/day', 'days of cover'],
            b.rows.map((r: any) => [r.nodeId, r.itemId, r.category, r.temperatureClass, r.essentialTier, r.onHand, r.reserved, r.inTransitIn, r.inTransitOut, r.availableToPromise, r.dailyDemand, r.daysOfCover ?? '-']),
          ) + `\n${b.rows.length} of ${b.total}`,
      });
    });

  filters(stock.command('export <file>').description('write the balance view to a .csv or .xlsx file')).action(async (file, o) => {
    const format = path.extname(file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
    const res = await ctx.call('GET', `/api/inventory/balances/export?${qs({ ...filterQuery(o), format })}`);
    if (res.status !== 200) throw new CliError(`export failed: ${res.status} ${res.raw.toString('utf8').slice(0, 300)}`, 1);
    writeFileSync(file, res.raw);
    process.stdout.write(`wrote ${file} (${res.raw.length} bytes)\n`);
  });

  stock
    .command('lots')
    .description('lots with their expiry dates, first-expired-first-out')
    .option('--node <id>')
    .option('--item <id>')
    .option('--expiring-before <date>', 'YYYY-MM-DD')
    .action(async (o) => {
      const b = await ctx.request('GET', `/api/inventory/lots?${qs({ nodeId: o.node, itemId: o.item, expiringBefore: o.expiringBefore })}`);
      ctx.print(b.lots, { json: json(), table: (ls: any[]) => textTable(['node', 'item', 'lot', 'expires', 'on hand', 'in transit in', 'out'], ls.map((l) => [l.nodeId, l.itemId, l.lotCode || '-', l.expiryDate ?? '-', l.onHand, l.inTransitIn, l.inTransitOut])) });
    });

  stock
    .command('movements')
    .description('the ledger, in posting order')
    .option('--node <id>')
    .option('--item <id>')
    .option('--kind <kind>')
    .option('--document <ref>')
    .option('--limit <n>', 'how many', '100')
    .action(async (o) => {
      const b = await ctx.request('GET', `/api/inventory/movements?${qs({ nodeId: o.node, itemId: o.item, kind: o.kind, documentRef: o.document, limit: o.limit })}`);
      ctx.print(b.movements, {
        json: json(),
        table: (ms: any[]) => textTable(['seq', 'kind', 'reason', 'node', 'item', 'lot', 'on hand Δ', 'reserved Δ', 'document'], ms.map((m) => [m.seq, m.kind, m.reason, m.nodeId, m.itemId, m.lotCode || '-', m.onHandDelta, m.reservedDelta, m.documentRef ?? '-'])),
      });
    });

  stock
    .command('receive <node> <item> <quantity>')
    .description('a receipt from a supplier, the DC or an opening balance')
    .option('--lot <code>', 'lot code (fresh goods)')
    .option('--expiry <date>', 'lot expiry date YYYY-MM-DD')
    .option('--reason <r>', 'supplier_delivery, expedited_supplier_order, dc_replenishment, dc_diversion, customer_return, opening_balance', 'supplier_delivery')
    .option('--source <ref>', 'supplier / purchase order reference')
    .option('--key <key>', 'idempotency key')
    .action(async (node, item, q, o) => {
      if (o.lot && !o.expiry) throw new CliError('--expiry is required with --lot', 2);
      await postOp({ kind: 'receipt', nodeId: node, itemId: item, quantity: int('quantity', q), reason: o.reason, ...(o.lot ? { lot: { code: o.lot, expiryDate: o.expiry } } : {}), ...(o.source ? { sourceRef: o.source } : {}) }, o);
    });

  stock
    .command('reserve <node> <item> <quantity>')
    .description('hold stock for an order')
    .requiredOption('--reservation <id>', 'the hold id (an order line)')
    .option('--key <key>')
    .action(async (node, item, q, o) => postOp({ kind: 'reserve', nodeId: node, itemId: item, quantity: int('quantity', q), reservationId: o.reservation }, o));

  stock
    .command('release <reservation>')
    .description('release a hold (all of it unless --quantity)')
    .option('--quantity <n>')
    .option('--reason <r>', 'order_cancelled, order_changed, hold_expired, manual')
    .option('--key <key>')
    .action(async (res, o) => postOp({ kind: 'release', reservationId: res, ...(o.quantity ? { quantity: int('quantity', o.quantity) } : {}), ...(o.reason ? { reason: o.reason } : {}) }, o));

  stock
    .command('pick <node> <item> <quantity>')
    .description('a sale or an order pick (first-expired-first-out)')
    .option('--reservation <id>', 'consume this hold')
    .option('--as-of <date>', 'skip lots expired on this day')
    .option('--key <key>')
    .action(async (node, item, q, o) => postOp({ kind: 'pick', nodeId: node, itemId: item, quantity: int('quantity', q), ...(o.reservation ? { reservationId: o.reservation } : {}), ...(o.asOf ? { asOf: o.asOf } : {}) }, o));

  stock
    .command('adjust <node> <item> <delta>')
    .description('an adjustment with a reason code (damaged, found, lost, theft, quality_hold, data_correction, sample)')
    .requiredOption('--reason <code>')
    .option('--lot <code>')
    .option('--expiry <date>', 'for a new lot')
    .option('--key <key>')
    .action(async (node, item, d, o) =>
      postOp({ kind: 'adjustment', nodeId: node, itemId: item, quantityDelta: int('delta', d), reasonCode: o.reason, ...(o.lot !== undefined ? { lotCode: o.lot } : {}), ...(o.expiry ? { expiryDate: o.expiry } : {}) }, o),
    );

  stock
    .command('write-off <node> <item> <quantity>')
    .description('spoilage or expiry write-off of one lot')
    .option('--lot <code>', 'lot code (empty for untracked stock)', '')
    .option('--reason <r>', 'expired, spoiled, damaged, recalled', 'spoiled')
    .option('--key <key>')
    .action(async (node, item, q, o) => postOp({ kind: 'write_off', nodeId: node, itemId: item, lotCode: o.lot, quantity: int('quantity', q), reason: o.reason }, o));

  stock
    .command('post <file>')
    .description('post a JSON array of movements in one transaction (all or nothing unless --each)')
    .option('--each', 'post each movement on its own and report refusals')
    .option('--key <key>')
    .action(async (file, o) => {
      let operations: unknown;
      try {
        operations = JSON.parse(readFileArg(file).toString('utf8'));
      } catch (e) {
        throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`, 2);
      }
      if (!Array.isArray(operations)) throw new CliError(`${file} must hold a JSON array of movements`, 2);
      const r = await ctx.request('POST', '/api/inventory/movements/batch', { body: { operations, atomic: !o.each }, idempotencyKey: key(o) });
      ctx.print(r, {
        json: json(),
        table: (x: any) => `${x.posted} posted, ${x.refused} refused` + x.outcomes.filter((c: any) => !c.ok).map((c: any) => `\n  ${c.key}: ${c.error.code} ${c.error.message}`).join(''),
      });
    });

  stock
    .command('expire')
    .description('the daily job: write off every lot expired on --as-of (default today, Beijing time) and report it')
    .option('--as-of <date>', 'YYYY-MM-DD')
    .option('--node <id>')
    .option('--key <key>')
    .action(async (o) => {
      const r = await ctx.request('POST', '/api/inventory/expiry-write-offs', { body: { ...(o.asOf ? { asOf: o.asOf } : {}), ...(o.node ? { nodeId: o.node } : {}) }, idempotencyKey: key(o) });
      ctx.print(r, {
        json: json(),
        table: (x: any) =>
          `expired as of ${x.asOf}: ${x.writtenOffQuantity} written off, ${x.blockedQuantity} held by reservations\n` +
          textTable(['node', 'item', 'lot', 'expired', 'on hand', 'written off', 'blocked'], x.lots.map((l: any) => [l.nodeId, l.itemId, l.lotCode, l.expiryDate, l.onHand, l.writeOffQuantity, l.blockedQuantity])),
      });
    });

  stock
    .command('buffer <node> <units>')
    .description('set a node’s online safety buffer (units per item held back from available to promise)')
    .action(async (node, units) => {
      ctx.print(await ctx.request('PUT', `/api/inventory/nodes/${encodeURIComponent(node)}/settings`, { body: { onlineSafetyBuffer: int('units', units) } }), { json: true });
    });

  stock
    .command('move <from> <to>')
    .description('搬仓: move a node’s stock (all, or by category or temperature class) to another node: vehicle-sized transfers held at <from>, and the trips for the next 24 hours')
    .option('--category <category...>', 'only items of these categories')
    .option('--temperature <class...>', 'only items of these classes: ambient, chilled, frozen')
    .option('--note <text>', 'a note on the transfers')
    .option('--key <key>', 'idempotency key (default: a fresh one)')
    .action(async (from, to, o) => {
      const scope = { ...(o.category ? { categories: o.category } : {}), ...(o.temperature ? { temperatureClasses: o.temperature } : {}) };
      const r = await ctx.request('POST', '/api/stock-moves', { body: { fromNodeId: from, toNodeId: to, scope, ...(o.note ? { note: o.note } : {}) }, idempotencyKey: key(o) });
      ctx.print(r, {
        json: json(),
        table: (x: any) =>
          `搬仓 ${x.moveId}: ${x.units} units of ${x.items} items from ${x.fromNodeId} to ${x.toNodeId}\n` +
          textTable(['transfer', 'class', 'units'], x.transfers.map((t: any) => [t.id, t.temperatureClass ?? '-', t.units])) +
          `\n${x.trips.tripIds.length} trips confirmed (${x.trips.coldChainTrips} cold chain, ${x.trips.ambientTrips} ambient), ${x.trips.dryIceBags} dry-ice bags, ${x.trips.icePacks} ice packs` +
          (x.trips.unassigned.length ? `\n${x.trips.unassigned.length} loads without a trip:\n` + x.trips.unassigned.map((u: any) => `  ${u.loadId}: ${u.reason} (${u.message})`).join('\n') : '') +
          '\nsee: baogong trips list',
      });
    });

  stock
    .command('check')
    .description('recompute every balance from the movements and report differences (exit 1 if any)')
    .action(async () => {
      const r = await ctx.request('GET', '/api/inventory/check');
      ctx.print(r, { json: json(), table: (x: any) => (x.consistent ? 'consistent: every balance equals the sum of its movements' : `${x.mismatches.length} difference(s):\n` + x.mismatches.map((m: any) => `  ${m.table} ${m.key}: projected ${m.projected} vs movements ${m.fromMovements}`).join('\n')) });
      if (!r.consistent) process.exitCode = 1;
    });

  // ---- transfers ----
  const transfers = program.command('transfers').description('transfer orders between the chain’s nodes (调拨)');
  const printTransfer = (t: any) =>
    ctx.print(t, {
      json: json(),
      table: (x: any) =>
        `${x.id}  ${x.fromNodeId} → ${x.toNodeId}  ${x.status}\n` +
        textTable(['item', 'shipped', 'received', 'variance', 'lots'], x.lines.map((l: any) => [l.itemId, l.quantity, l.receivedQuantity ?? '-', l.varianceQuantity ?? '-', l.lots.map((z: any) => `${z.lotCode || '-'}×${z.quantity}`).join(' ')])),
    });
  transfers
    .command('list')
    .option('--status <s>', 'draft, in_transit, received, cancelled')
    .option('--node <id>')
    .action(async (o) => {
      const b = await ctx.request('GET', `/api/inventory/transfers?${qs({ status: o.status, nodeId: o.node })}`);
      ctx.print(b.transfers, { json: json(), table: (ts: any[]) => textTable(['id', 'from', 'to', 'status', 'lines', 'units'], ts.map((t) => [t.id, t.fromNodeId, t.toNodeId, t.status, t.lines.length, t.lines.reduce((s: number, l: any) => s + l.quantity, 0)])) });
    });
  transfers.command('show <id>').action(async (id) => printTransfer(await ctx.request('GET', `/api/inventory/transfers/${encodeURIComponent(id)}`)));
  transfers
    .command('create <from> <to> <lines...>')
    .description('lines as ITEM:QUANTITY; dispatched at once unless --draft')
    .option('--id <id>')
    .option('--draft', 'save as a draft, move nothing yet')
    .option('--as-of <date>', 'skip lots expired on this day (default today, Beijing time)')
    .option('--key <key>')
    .action(async (from, to, lines: string[], o) => {
      const parsed = lines.map((s, i) => {
        const m = /^(.+):(\d+)$/.exec(s);
        if (!m) throw new CliError(`line ${i + 1} must be ITEM:QUANTITY, got ${JSON.stringify(s)}`, 2);
        return { itemId: m[1], quantity: Number(m[2]) };
      });
      printTransfer(await ctx.request('POST', '/api/inventory/transfers', { body: { ...(o.id ? { id: o.id } : {}), fromNodeId: from, toNodeId: to, lines: parsed, dispatch: !o.draft, ...(o.asOf ? { asOf: o.asOf } : {}) }, idempotencyKey: key(o) }));
    });
  transfers.command('dispatch <id>').option('--key <key>').action(async (id, o) => printTransfer(await ctx.request('POST', `/api/inventory/transfers/${encodeURIComponent(id)}/dispatch`, { body: {}, idempotencyKey: key(o) })));
  transfers
    .command('receive <id> <lines...>')
    .description('received quantities as ITEM:QUANTITY for every line')
    .option('--key <key>')
    .action(async (id, lines: string[], o) => {
      const parsed = lines.map((s, i) => {
        const m = /^(.+):(\d+)$/.exec(s);
        if (!m) throw new CliError(`line ${i + 1} must be ITEM:QUANTITY, got ${JSON.stringify(s)}`, 2);
        return { itemId: m[1], receivedQuantity: Number(m[2]) };
      });
      printTransfer(await ctx.request('POST', `/api/inventory/transfers/${encodeURIComponent(id)}/receive`, { body: { lines: parsed }, idempotencyKey: key(o) }));
    });
  transfers.command('cancel <id>').action(async (id) => printTransfer(await ctx.request('POST', `/api/inventory/transfers/${encodeURIComponent(id)}/cancel`, {})));

  // ---- counts ----
  const counts = program.command('counts').description('stock counts (盘点): blind counts, recounts, posting the differences');
  counts
    .command('list')
    .option('--node <id>')
    .option('--status <s>', 'open, posted, cancelled')
    .action(async (o) => {
      const b = await ctx.request('GET', `/api/inventory/counts?${qs({ nodeId: o.node, status: o.status })}`);
      ctx.print(b.counts, { json: json(), table: (cs: any[]) => textTable(['id', 'node', 'status', 'opened', 'scope'], cs.map((c) => [c.id, c.nodeId, c.status, localTime(c.openedAt), JSON.stringify(c.scope)])) });
    });
  counts
    .command('open <node>')
    .description('open a count: all items, a category, or listed items')
    .option('--id <id>')
    .option('--category <c>')
    .option('--items <ids>', 'comma-separated item ids')
    .option('--recount-threshold <n>', 'recount a line whose difference is above this', '2')
    .option('--key <key>')
    .action(async (node, o) => {
      const body = { ...(o.id ? { id: o.id } : {}), nodeId: node, ...(o.category ? { category: o.category } : {}), ...(o.items ? { itemIds: String(o.items).split(',') } : {}), recountThreshold: int('recount-threshold', o.recountThreshold) };
      const c = await ctx.request('POST', '/api/inventory/counts', { body, idempotencyKey: key(o) });
      ctx.print(c, { json: json(), table: (x: any) => `count ${x.id} open at ${x.nodeId}: ${x.lines} line(s) to count` });
    });
  const printSheet = (lines: any[]) => textTable(['item', 'lot', 'counted', 'recount', 'status'], lines.map((l) => [l.itemId, l.lotCode || '-', l.countedQuantity ?? '-', l.recountQuantity ?? '-', l.status]));
  counts.command('sheet <id>').description('the blind sheet (no book quantities)').action(async (id) => {
    const s = await ctx.request('GET', `/api/inventory/counts/${encodeURIComponent(id)}`);
    ctx.print(s, { json: json(), table: (x: any) => `count ${x.id} at ${x.nodeId} (${x.status})\n` + printSheet(x.lines) });
  });
  counts
    .command('enter <id> <lines...>')
    .description('counted quantities as ITEM:QUANTITY or ITEM/LOT:QUANTITY')
    .action(async (id, lines: string[]) => {
      const parsed = lines.map((s, i) => {
        const m = /^([^/:]+)(?:\/([^:]*))?:(\d+)$/.exec(s);
        if (!m) throw new CliError(`line ${i + 1} must be ITEM:QUANTITY or ITEM/LOT:QUANTITY, got ${JSON.stringify(s)}`, 2);
        return { itemId: m[1], ...(m[2] !== undefined ? { lotCode: m[2] } : {}), quantity: Number(m[3]) };
      });
      const r = await ctx.request('POST', `/api/inventory/counts/${encodeURIComponent(id)}/entries`, { body: { lines: parsed } });
      ctx.print(r.lines, { json: json(), table: printSheet });
    });
  counts
    .command('report <id>')
    .description('book, counted, difference and value per line')
    .option('--out <file>', 'write the report to a .csv or .xlsx file')
    .action(async (id, o) => {
      if (o.out) {
        const format = path.extname(o.out).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
        const res = await ctx.call('GET', `/api/inventory/counts/${encodeURIComponent(id)}/report?format=${format}`);
        if (res.status !== 200) throw new CliError(`report failed: ${res.status} ${res.raw.toString('utf8').slice(0, 300)}`, 1);
        writeFileSync(o.out, res.raw);
        process.stdout.write(`wrote ${o.out}\n`);
        return;
      }
      const r = await ctx.request('GET', `/api/inventory/counts/${encodeURIComponent(id)}/report`);
      ctx.print(r, { json: json(), table: reportTable });
    });
  counts.command('post <id>').description('post every difference as count adjustments, all or nothing').option('--key <key>').action(async (id, o) => {
    const r = await ctx.request('POST', `/api/inventory/counts/${encodeURIComponent(id)}/post`, { body: {}, idempotencyKey: key(o) });
    ctx.print(r, { json: json(), table: (x: any) => reportTable(x) + `\nposted: ${x.movements} movement line(s)` });
  });
  counts.command('cancel <id>').action(async (id) => ctx.print(await ctx.request('POST', `/api/inventory/counts/${encodeURIComponent(id)}/cancel`, {}), { json: true }));
}

function reportTable(x: any): string {
  const yuan = (fen: number | null) => (fen === null ? '-' : (fen / 100).toFixed(2));
  return (
    `count ${x.id} at ${x.nodeId} (${x.status})\n` +
    textTable(
      ['item', 'lot', 'snapshot', 'moved since', 'book', 'counted', 'difference', 'value ¥', 'status'],
      x.lines.map((l: any) => [l.itemId, l.lotCode || '-', l.snapshotQuantity, l.movedSinceSnapshot, l.bookQuantity, l.countedQuantity ?? '-', l.differenceQuantity ?? '-', yuan(l.differenceValueFen), l.status]),
    ) +
    `\n${x.totals.withDifference} of ${x.totals.lines} line(s) differ; net ${x.totals.differenceQuantity} units, ¥${yuan(x.totals.differenceValueFen)}`
  );
}
