/** CLI commands for orders (place, show, list, pick, pack, dispatch, deliver, cancel) and delivery slots. */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { CliError, textTable, localTime, type CliContext } from '../context.ts';

/**
 * `baogong orders place|show|list|pick|pack|dispatch|deliver|cancel` and `baogong slots`:
 * placing orders by hand (for testing and for phone orders taken by staff) and following them.
 */
export function registerOrdersCommands(program: Command, ctx: CliContext): void {
  const json = () => !!program.opts().json;
  const orders = program.command('orders').description('online orders: place, follow, pick, pack, deliver, cancel');

  orders
    .command('place')
    .description('place an order: baogong orders place --customer c1 --at 39.79,116.50 --line RICE-1x2 --line OIL-1x1 --slot 2022-06-23T07:00:00+08:00')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--at <lat,lng>', 'delivery address as lat,lng (WGS84)')
    .requiredOption('--line <item x qty...>', 'a line as ITEMxQTY (repeat)')
    .requiredOption('--slot <iso>', 'start of the delivery slot, ISO 8601')
    .option('--household <id>', 'household id (compound-building-unit-room) for purchase limits')
    .option('--split', 'allow splitting across nodes')
    .option('--all-or-nothing', 'refuse the whole order unless every line can be served')
    .option('--no-substitutes', 'do not suggest substitutes')
    .option('--idempotency-key <key>', 'retry-safe key (default: a new one)')
    .action(async (o) => {
      const [lat, lng] = String(o.at).split(',').map(Number);
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) throw new CliError(`--at must be lat,lng, got ${JSON.stringify(o.at)}`, 2);
      const lines = (o.line as string[]).map((s, i) => {
        const m = s.match(/^(.+)x(\d+)$/);
        if (!m) throw new CliError(`--line ${i + 1} must be ITEMxQTY (e.g. RICE-1x2), got ${JSON.stringify(s)}`, 2);
        return { itemId: m[1], quantity: Number(m[2]) };
      });
      const body = {
        customerId: o.customer,
        address: { lat, lng, ...(o.household ? { householdId: o.household } : {}) },
        lines,
        slotStart: o.slot,
        allowSplit: !!o.split,
        acceptPartial: !o.allOrNothing,
        allowSubstitution: o.substitutes !== false,
      };
      const res = await ctx.call('POST', '/api/orders', { body, idempotencyKey: o.idempotencyKey ?? randomUUID() });
      if (res.status !== 201 && res.status !== 422) await ctx.request('POST', '/api/orders', { body }); // prints the error and exits
      const b = res.body;
      ctx.print(b, {
        json: json(),
        table: (x: any) => {
          const out = [`${x.status}: ${x.message}`];
          for (const ord of x.orders) {
            out.push(`order ${ord.id} at ${ord.nodeId}, slot ${localTime(ord.slotStart)}, ${ord.deliveryMode === 'drop_point' ? `drop point ${ord.dropPoint?.name}` : 'to the door'}`);
            out.push(textTable(['line', 'item', 'qty'], ord.lines.map((l: any) => [l.lineNo, l.itemId, l.quantity])));
          }
          if (x.rejectedLines.length) {
            out.push('not accepted:');
            out.push(textTable(['line', 'item', 'qty', 'why', 'left', 'substitutes'], x.rejectedLines.map((r: any) => [r.line, r.itemId, r.quantity, r.code, r.available ?? r.limitRemaining ?? '', (r.substitutes ?? []).map((s: any) => `${s.itemId}(${s.available})`).join(' ')])));
          }
          for (const n of x.nodeRefusals ?? []) out.push(`  ${n.nodeId}: ${n.message}`);
          return out.join('\n');
        },
      });
      if (res.status === 422) process.exitCode = 1;
    });

  orders
    .command('show <id>')
    .description('one order with its lines and history')
    .action(async (id) => {
      const o = await ctx.request('GET', `/api/orders/${encodeURIComponent(id)}`);
      ctx.print(o, {
        json: json(),
        table: (x: any) =>
          [
            `order ${x.id}  ${x.status}  node ${x.nodeId}  slot ${localTime(x.slotStart)}  customer ${x.customerId}`,
            textTable(['line', 'item', 'qty', 'picked'], x.lines.map((l: any) => [l.lineNo, l.itemId, l.quantity, l.pickedQuantity ?? ''])),
            ...x.events.map((e: any) => `${e.at}  ${e.fromStatus ?? '-'} → ${e.toStatus}${e.note ? `  (${e.note})` : ''}`),
          ].join('\n'),
      });
    });

  orders
    .command('list')
    .description('list orders')
    .option('--node <id>')
    .option('--customer <id>')
    .option('--status <s>', 'placed, picking, packed, out_for_delivery, delivered, cancelled')
    .option('--day <YYYY-MM-DD>')
    .option('--limit <n>', 'how many', '50')
    .action(async (o) => {
      const qs = new URLSearchParams(Object.entries({ nodeId: o.node, customerId: o.customer, status: o.status, day: o.day, limit: o.limit }).filter(([, v]) => v) as [string, string][]);
      const b = await ctx.request('GET', `/api/orders?${qs}`);
      ctx.print(b, {
        json: json(),
        table: (x: any) => textTable(['id', 'node', 'slot', 'status', 'customer', 'lines'], x.orders.map((r: any) => [r.id, r.nodeId, localTime(r.slotStart), r.status, r.customerId, r.lines.length])) + `\n${x.orders.length} of ${x.total}`,
      });
    });

  orders
    .command('pick <id>')
    .description('start picking: prints the pick list (lots first-expired-first-out)')
    .action(async (id) => {
      const b = await ctx.request('POST', `/api/orders/${encodeURIComponent(id)}/start-picking`, { idempotencyKey: randomUUID() });
      ctx.print(b, { json: json(), table: (x: any) => textTable(['line', 'item', 'qty', 'lots'], x.pickList.map((l: any) => [l.lineNo, l.itemId, l.quantity, l.lots.map((t: any) => `${t.lotCode || '(untracked)'}×${t.quantity}`).join(' ')])) });
    });

  orders
    .command('pack <id>')
    .description('packed: --picked LINE=QTY for short picks (the rest as ordered)')
    .option('--picked <line=qty...>', 'picked quantity of a line (repeat)')
    .action(async (id, o) => {
      const lines = ((o.picked as string[] | undefined) ?? []).map((s) => {
        const m = s.match(/^(\d+)=(\d+)$/);
        if (!m) throw new CliError(`--picked must be LINE=QTY, got ${JSON.stringify(s)}`, 2);
        return { lineNo: Number(m[1]), pickedQuantity: Number(m[2]) };
      });
      const b = await ctx.request('POST', `/api/orders/${encodeURIComponent(id)}/pack`, { body: lines.length ? { lines } : {}, idempotencyKey: randomUUID() });
      ctx.print(b, { json: json(), table: (x: any) => `order ${x.order.id} packed${x.shortLines.length ? `; short: ${x.shortLines.map((s: any) => `${s.itemId} -${s.shortBy}`).join(', ')}` : ''}` });
    });

  for (const [cmd, path, what] of [['dispatch', 'dispatch', 'out for delivery'], ['deliver', 'deliver', 'delivered']] as const) {
    orders
      .command(`${cmd} <id>`)
      .description(`mark an order ${what}`)
      .action(async (id) => {
        const b = await ctx.request('POST', `/api/orders/${encodeURIComponent(id)}/${path}`, { idempotencyKey: randomUUID() });
        ctx.print(b, { json: json(), table: (x: any) => `order ${x.id} is ${x.status}` });
      });
  }

  orders
    .command('cancel <id>')
    .description('cancel an order (before packing): releases its stock, slot and purchase allowance')
    .option('--reason <text>', 'why', 'cancelled by staff')
    .action(async (id, o) => {
      const b = await ctx.request('POST', `/api/orders/${encodeURIComponent(id)}/cancel`, { body: { reason: o.reason }, idempotencyKey: randomUUID() });
      ctx.print(b, { json: json(), table: (x: any) => `order ${x.id} is ${x.status}` });
    });

  const slots = program.command('slots').description('delivery slots and capacity per node');
  slots
    .command('show', { isDefault: true })
    .description('orders per slot against capacity, backlog, and what is sold out')
    .option('--node <id>')
    .option('--day <YYYY-MM-DD>')
    .action(async (o) => {
      const qs = new URLSearchParams(Object.entries({ nodeId: o.node, day: o.day }).filter(([, v]) => v) as [string, string][]);
      const b = await ctx.request('GET', `/api/slots?${qs}`);
      ctx.print(b, {
        json: json(),
        table: (x: any) =>
          [
            ...x.windows.map((w: any) => `${w.nodeId} ${w.serviceDay}: opens ${localTime(w.opensAt)}, ${w.booked}/${w.dayCapacity} orders${w.soldOut ? ' — SOLD OUT' : ''}`),
            textTable(['node', 'slot start', 'booked', 'capacity', 'left', 'backlog'], x.slots.map((s: any) => [s.nodeId, localTime(s.startAt), s.booked, s.capacity, s.remaining, s.backlog])),
            `backlog: ${x.backlog}`,
            ...(x.soldOutItems ? [`sold out: ${x.soldOutItems.map((i: any) => i.itemId).join(', ') || '(nothing)'}`] : []),
          ].join('\n'),
      });
    });
  slots
    .command('open <node> <day>')
    .description('create or resize a node’s hourly slots for a day (capacity: the node’s daily order capacity)')
    .option('--capacity <n>', 'orders that day')
    .option('--window-opens <HH:MM>', 'when ordering opens (default 06:00)')
    .action(async (node, day, o) => {
      const body: Record<string, unknown> = { nodeId: node, day };
      if (o.capacity !== undefined) body.dailyOrderCapacity = Number(o.capacity);
      if (o.windowOpens) body.windowOpens = o.windowOpens;
      ctx.print(await ctx.request('PUT', '/api/slots', { body, idempotencyKey: randomUUID() }), { json: true });
    });
}
