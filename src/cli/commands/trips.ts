/** CLI commands for trips (plan, confirm, sheets, dispatch, arrival) and the fleet. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { CliError, textTable, type CliContext } from '../context.ts';

const hhmm = (s: number) => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
const kg = (g: number) => Math.round(g / 1000);

function int(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`${name}: expected an integer, got ${JSON.stringify(value)}`, 2);
  return n;
}

function planTable(p: any): string {
  const r = p.result;
  const trips = textTable(
    ['trip', 'vehicle', 'from', 'leave', 'back', 'stops', 'km', 'ambient kg', 'chilled kg', 'frozen kg', 'dry ice', 'ice packs'],
    r.trips.map((t: any) => [t.ref, t.vehicleKey, t.originNodeId, hhmm(t.departS), hhmm(t.returnS), t.stops.map((s: any) => s.place.id).join(' → '), ((t.distanceM + t.deadheadM) / 1000).toFixed(1),
      kg(t.load.weightG.ambient), kg(t.load.weightG.chilled), kg(t.load.weightG.frozen), t.coolant.dryIceBags, t.coolant.icePacks]),
  );
  const un = r.unassigned.length ? '\n\nunassigned:\n' + textTable(['load', 'reason', 'why'], r.unassigned.map((u: any) => [u.loadId, u.reason, u.message])) : '';
  const warn = r.warnings.length ? '\n\nwarnings:\n' + r.warnings.map((w: string) => `  ${w}`).join('\n') : '';
  const audit = p.violations.length ? `\n\nAUDIT FAILED (${p.violations.length}):\n` + p.violations.slice(0, 10).map((v: any) => `  ${v.code}: ${v.message}`).join('\n') : '\n\naudit: every trip checked (capacity, compartments, windows, shift)';
  const t = r.totals;
  return `plan ${p.id} (${p.mode}${p.wave ? ` ${p.wave}` : ''}, ${p.day}, ${p.status})\n\n${trips}${un}${warn}${audit}\n\n` +
    `${t.trips} trips, ${t.vehicles} vehicles, ${t.assigned}/${t.loads} loads, ${(t.distanceM / 1000).toFixed(1)} km, ¥${(t.costFen / 100).toFixed(0)}, ${t.dryIceBags} dry-ice bags, ${t.icePacks} ice packs` +
    (p.status === 'proposed' ? `\nconfirm with: baogong trips confirm ${p.id}` : '');
}

function tripTable(trips: any[]): string {
  return textTable(
    ['trip', 'status', 'vehicle', 'driver', 'from', 'leave', 'back', 'stops', 'dry ice', 'ice packs'],
    trips.map((t) => [t.id, t.status, t.vehicleId ?? t.vehicleKey, t.driverName ?? '-', t.originNodeId, hhmm(t.departS), hhmm(t.returnS), t.stops.map((s: any) => `${s.place.id}${s.status === 'arrived' ? '✓' : ''}`).join(' → '), t.coolant.dryIceBags, t.coolant.icePacks]),
  ) + `\n${trips.length} trips`;
}

/** Trips (车次): plan, confirm, sheets, dispatch, arrival; and the fleet. */
export function registerTripsCommands(program: Command, ctx: CliContext): void {
  const json = () => !!program.opts().json;
  const trips = program.command('trips').description('trips (车次): plan from open transfers or slot orders, trip sheets, dispatch and arrival');

  trips
    .command('plan')
    .description('plan trips for a day: --cold (chilled/frozen transfers), --wave HH:MM (ambient transfers), or --orders NODE --slot ISO')
    .requiredOption('--day <YYYY-MM-DD>', 'the operating day (Beijing time)')
    .option('--cold', 'the open chilled and frozen transfer orders')
    .option('--wave <HH:MM>', 'the open ambient transfer orders on this wave')
    .option('--orders <nodeId>', "a node's customer orders of one slot, on its riders and vans")
    .option('--slot <iso>', 'the slot start for --orders, e.g. 2022-06-23T10:00:00+08:00')
    .option('--time-limit <s>', 'seconds the solver may take', '10')
    .option('--iterations <n>', 'iterations per solve instead of a time limit (reproducible from the seed)')
    .option('--seed <n>', 'random seed', '1')
    .option('--outside <°C>', 'outside temperature for the coolant rule')
    .option('--confirm', 'confirm the plan at once when its audit is clean')
    .action(async (o) => {
      const modes = [o.cold, o.wave, o.orders].filter(Boolean).length;
      if (modes !== 1) throw new CliError('give exactly one of --cold, --wave HH:MM or --orders NODE', 2);
      const body: Record<string, unknown> = { day: o.day, mode: o.cold ? 'cold' : o.wave ? 'wave' : 'orders', seed: int(o.seed, '--seed') };
      if (o.wave) body.wave = o.wave;
      if (o.orders) Object.assign(body, { nodeId: o.orders, slotStart: o.slot });
      if (o.outside !== undefined) body.outsideTempC = int(o.outside, '--outside');
      const limit = o.iterations ? null : int(o.timeLimit, '--time-limit');
      if (o.iterations) body.maxIterations = int(o.iterations, '--iterations');
      else body.timeLimitS = limit;
      // The server answers when the solve is done; the bar follows the time budget meanwhile.
      const bar = process.stderr.isTTY && !json() ? new cliProgress.SingleBar({ format: 'planning [{bar}] {value}/{total} s', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
      const started = Date.now();
      bar?.start(limit ?? 0, 0);
      const tick = setInterval(() => bar?.update(Math.min(limit ?? Infinity, Math.floor((Date.now() - started) / 1000))), 250);
      let plan: any;
      try {
        plan = await ctx.request('POST', '/api/trips/plans', { body, idempotencyKey: `cli-plan-${started}-${process.pid}` });
      } finally {
        clearInterval(tick);
        bar?.update(limit ?? Math.floor((Date.now() - started) / 1000));
        bar?.stop();
      }
      if (o.confirm && plan.violations.length === 0 && plan.result.trips.length > 0) plan = await ctx.request('POST', `/api/trips/plans/${plan.id}/confirm`, { idempotencyKey: `cli-confirm-${plan.id}` });
      ctx.print(plan, { json: json(), table: planTable });
    });

  trips
    .command('confirm <planId>')
    .description('confirm a proposed plan: its trips are created')
    .action(async (id) => {
      const p = await ctx.request('POST', `/api/trips/plans/${encodeURIComponent(id)}/confirm`, { idempotencyKey: `cli-confirm-${id}` });
      ctx.print(p, { json: json(), table: (x: any) => `plan ${x.id} confirmed: ${x.tripIds.join(', ')}` });
    });

  trips
    .command('plans')
    .description('recent trip plans')
    .option('--day <YYYY-MM-DD>')
    .action(async (o) => {
      const b = await ctx.request('GET', `/api/trips/plans${o.day ? `?day=${o.day}` : ''}`);
      ctx.print(b, { json: json(), table: (x: any) => textTable(['plan', 'day', 'mode', 'status', 'trips', 'loads', 'unassigned'], x.plans.map((p: any) => [p.id, p.day, `${p.mode}${p.wave ? ` ${p.wave}` : ''}`, p.status, p.totals.trips, p.totals.loads, p.totals.unassigned])) });
    });

  trips
    .command('list')
    .description('trips of a day')
    .option('--day <YYYY-MM-DD>')
    .option('--status <status>', 'confirmed, dispatched, completed or cancelled')
    .action(async (o) => {
      const qs = new URLSearchParams();
      if (o.day) qs.set('day', o.day);
      if (o.status) qs.set('status', o.status);
      const b = await ctx.request('GET', `/api/trips?${qs}`);
      ctx.print(b, { json: json(), table: (x: any) => tripTable(x.trips) });
    });

  trips
    .command('sheet <tripId>')
    .description('the trip sheet (派车单): printed as text, or written as .html / .xlsx with --out')
    .option('--out <file>', 'write to a file; the format follows the extension (.html, .xlsx, .json)')
    .action(async (id, o) => {
      const format = o.out ? (String(o.out).endsWith('.xlsx') ? 'xlsx' : String(o.out).endsWith('.html') ? 'html' : 'json') : 'json';
      const res = await ctx.call('GET', `/api/trips/${encodeURIComponent(id)}/sheet?format=${format}`);
      if (res.status >= 400) throw new CliError(`error ${res.status}: ${res.body?.message ?? res.raw.toString('utf8')}`, res.status === 404 ? 1 : 1);
      if (o.out) {
        writeFileSync(o.out, res.raw);
        process.stderr.write(`wrote ${o.out}\n`);
        return;
      }
      ctx.print(res.body, {
        json: json(),
        table: (s: any) =>
          `Trip sheet 派车单 ${s.tripId} · ${s.day} · ${s.vehicle.typeName} (${s.vehicle.key}${s.vehicle.plate ? `, ${s.vehicle.plate}` : ''}) · driver ${s.driver.name ?? '-'}\n` +
          `from ${s.origin.name} at ${s.depart}, back at ${s.end.name} ${s.return}, ${s.distanceKm} km\n` +
          `coolant: ${s.coolant.dryIceBags} dry-ice bags (${s.coolant.dryIceG / 1000} kg), ${s.coolant.icePacks} ice packs\n\n` +
          s.stops.map((st: any) => `${st.seq}. ${st.place}  ETA ${st.eta} (window ${st.window})  ${st.loadKind} ${st.loadId}, ${st.weightKg} kg\n` +
            st.manifest.map((m: any) => `     ${m.itemId}  ${m.name}  ${m.quantity} ${m.unit}  [${m.temperatureClass}]`).join('\n')).join('\n'),
      });
    });

  trips
    .command('dispatch <tripId>')
    .description('dispatch a trip: its transfers leave their origin and are in transit')
    .action(async (id) => {
      const t = await ctx.request('POST', `/api/trips/${encodeURIComponent(id)}/dispatch`, { idempotencyKey: `cli-dispatch-${id}` });
      ctx.print(t, { json: json(), table: (x: any) => tripTable([x]) });
    });

  trips
    .command('arrive <tripId> <stop> [counts...]')
    .description('arrival at a stop with the counted quantities (ITEM=QTY ..., e.g. MILK=296), or --as-shipped')
    .option('--as-shipped', 'everything arrived as shipped')
    .action(async (id, stop, counts: string[], o) => {
      const seq = int(stop, 'stop');
      const lines = counts.map((c) => {
        const [itemId, q] = c.split('=');
        if (!itemId || q === undefined) throw new CliError(`counted quantity: expected ITEM=QTY, got ${JSON.stringify(c)}`, 2);
        return { itemId, receivedQuantity: int(q, itemId) };
      });
      const body = { stops: [o.asShipped && lines.length === 0 ? { seq, asShipped: true } : { seq, lines }] };
      const t = await ctx.request('POST', `/api/trips/${encodeURIComponent(id)}/arrive`, { body, idempotencyKey: `cli-arrive-${id}-${seq}` });
      ctx.print(t, {
        json: json(),
        table: (x: any) => {
          const s = x.stops.find((y: any) => y.seq === seq);
          return `stop ${seq} (${s.place.name}) arrived; trip ${x.status}\n` + textTable(['item', 'shipped', 'received', 'variance'], s.manifest.map((m: any) => [m.itemId, m.quantity, m.receivedQuantity ?? '-', m.varianceQuantity ?? '-']));
        },
      });
    });

  const fleet = program.command('fleet').description('the fleet: vehicle types, vehicles, availability');
  fleet
    .command('list')
    .description('vehicle types with the count available on a day, and named vehicles')
    .option('--day <YYYY-MM-DD>')
    .action(async (o) => {
      const b = await ctx.request('GET', `/api/fleet${o.day ? `?day=${o.day}` : ''}`);
      ctx.print(b, {
        json: json(),
        table: (x: any) =>
          textTable(['type', 'kind', 'home', 'available', 'compartments', 'shift', 'km/h'], x.vehicleTypes.map((v: any) => [v.id, v.kind, v.homeNodeId, `${v.count}/${v.defaultCount}`,
            v.compartments.map((c: any) => `${c.temperatureClass} ${c.maxWeightKg} kg/${c.maxVolumeL} L`).join(', '), `${v.shiftStart}-${v.shiftEnd}`, v.speedKmh])) +
          `\n${x.vehicleTypes.length} vehicle types, ${x.vehicleTypes.reduce((a: number, v: any) => a + v.count, 0)} vehicles available on ${x.day}, ${x.vehicles.length} named`,
      });
    });
  fleet
    .command('available <vehicleTypeId> <day> <count>')
    .description('vehicles of a type available on a day')
    .action(async (typeId, day, count) => {
      const b = await ctx.request('PUT', '/api/fleet/availability', { body: { vehicleTypeId: typeId, day, available: int(count, 'count') } });
      ctx.print(b, { json: json(), table: (x: any) => `${x.vehicleTypeId}: ${x.available} available on ${x.day}` });
    });
}
