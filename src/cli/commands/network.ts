/** CLI commands for nodes, items and baseline demand. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { readFileArg, textTable, localTime, CliError, type CliContext } from '../context.ts';
import { XLSX_MIME } from '../../api/mime.ts';

const KINDS = ['nodes', 'items', 'demand'] as const;

/** Nodes, items and baseline demand: list, show, create, change status, import, export. */
export function registerNetworkCommands(program: Command, ctx: CliContext): void {
  const json = () => !!program.opts().json;

  const nodes = program.command('nodes').description('stores, warehouses, the DC and suppliers');
  nodes
    .command('list')
    .description('list nodes')
    .option('--kind <kind>', 'store, satellite_warehouse, emergency_warehouse, distribution_centre, processing_centre, supplier')
    .option('--status <status>', 'open, online_only, suspended, closed')
    .action(async (o) => {
      const qs = new URLSearchParams(Object.entries({ kind: o.kind, status: o.status }).filter(([, v]) => v) as [string, string][]);
      const body = await ctx.request('GET', `/api/nodes?${qs}`);
      ctx.print(body.nodes, {
        json: json(),
        table: (ns: any[]) =>
          textTable(['id', 'kind', 'name', 'status', 'lat', 'lng', 'orders/day', 'radius m'], ns.map((n) => [n.id, n.kind, n.nameZh, n.status, n.lat.toFixed(4), n.lng.toFixed(4), n.dailyOrderCapacity, n.maxDeliveryRadiusM])),
      });
    });
  nodes
    .command('show <id>')
    .description('one node, with its status history')
    .action(async (id) => {
      const node = await ctx.request('GET', `/api/nodes/${encodeURIComponent(id)}`);
      const hist = await ctx.request('GET', `/api/nodes/${encodeURIComponent(id)}/status-history`);
      ctx.print({ ...node, statusHistory: hist.events }, { json: true });
    });
  nodes
    .command('create')
    .description('create a node from a JSON object (see GET /openapi.json, NodeInput)')
    .requiredOption('--data <json>', 'the node as JSON, e.g. {"id":"s1","kind":"store",...}')
    .option('--idempotency-key <key>', 'retry-safe key')
    .action(async (o) => {
      let body: unknown;
      try {
        body = JSON.parse(o.data);
      } catch (e) {
        throw new CliError(`--data is not valid JSON: ${(e as Error).message}`, 2);
      }
      ctx.print(await ctx.request('POST', '/api/nodes', { body, idempotencyKey: o.idempotencyKey }), { json: true });
    });
  nodes
    .command('status <id> <status>')
    .description('set a node status: open, online_only, suspended, closed')
    .requiredOption('--reason <text>', 'why (kept in the status history)')
    .action(async (id, status, o) => {
      const n = await ctx.request('POST', `/api/nodes/${encodeURIComponent(id)}/status`, { body: { status, reason: o.reason } });
      ctx.print(n, { json: json(), table: (x) => `${x.id} is now ${x.status} (${x.statusReason}) since ${localTime(x.statusChangedAt)}` });
    });

  const items = program.command('items').description('the catalogue (SKUs)');
  items
    .command('list')
    .description('list items')
    .option('--category <c>')
    .option('--tier <t>', 'none, essential, key')
    .option('--temperature <t>', 'ambient, chilled, frozen')
    .option('--q <text>', 'search code and names')
    .option('--limit <n>', 'how many', '50')
    .action(async (o) => {
      const qs = new URLSearchParams(
        Object.entries({ category: o.category, essentialTier: o.tier, temperatureClass: o.temperature, q: o.q, limit: o.limit }).filter(([, v]) => v) as [string, string][],
      );
      const body = await ctx.request('GET', `/api/items?${qs}`);
      ctx.print(body, {
        json: json(),
        table: (b: any) =>
          textTable(['id', 'name', 'category', 'temp', 'tier', 'unit', 'price ¥'], b.items.map((i: any) => [i.id, i.nameZh, i.category, i.temperatureClass, i.essentialTier, i.unit, (i.priceFen / 100).toFixed(2)])) +
          `\n${b.items.length} of ${b.total}`,
      });
    });

  program
    .command('import <what> <file>')
    .description('import nodes, items or demand from a .csv or .xlsx file (all-or-nothing unless --skip-bad-rows)')
    .option('--skip-bad-rows', 'import the good rows and report the bad ones')
    .option('--dry-run', 'check the file only')
    .action(async (what, file, o) => {
      if (!KINDS.includes(what)) throw new CliError(`what must be one of ${KINDS.join(', ')}, got ${JSON.stringify(what)}`, 2);
      const ext = path.extname(file).toLowerCase();
      const format = ext === '.xlsx' ? 'xlsx' : 'csv';
      const buf = readFileArg(file);
      const qs = new URLSearchParams({ format, ...(o.skipBadRows ? { skipBadRows: 'true' } : {}), ...(o.dryRun ? { dryRun: 'true' } : {}) });
      const report = await ctx.request('POST', `/api/${what}/import?${qs}`, { rawBody: buf, contentType: format === 'xlsx' ? XLSX_MIME : 'text/csv' });
      ctx.print(report, {
        json: json(),
        table: (r: any) =>
          `${r.dryRun ? 'checked' : 'imported'} ${r.dryRun ? r.rows - r.skipped : r.imported} of ${r.rows} rows (${r.created} created, ${r.updated} updated, ${r.skipped} skipped)` +
          r.errors.map((e: any) => `\n  row ${e.row}, column ${e.column}: ${e.message}`).join(''),
      });
    });

  program
    .command('export <what> <file>')
    .description('export nodes, items or demand to a .csv or .xlsx file')
    .action(async (what, file) => {
      if (!KINDS.includes(what)) throw new CliError(`what must be one of ${KINDS.join(', ')}, got ${JSON.stringify(what)}`, 2);
      const format = path.extname(file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
      const res = await ctx.call('GET', `/api/${what}/export?format=${format}`);
      if (res.status !== 200) throw new CliError(`export failed: ${res.status} ${res.raw.toString('utf8').slice(0, 300)}`, 1);
      writeFileSync(file, res.raw);
      process.stdout.write(`wrote ${file} (${res.raw.length} bytes)\n`);
    });
}
