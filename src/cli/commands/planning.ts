/** CLI commands for the assortment, surge targets, net requirements and sourcing plans. */
import type { Command } from 'commander';
import { CliError, textTable, localTime, writeFileArg, type CliContext } from '../context.ts';

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** The emergency assortment, surge targets, net requirements and sourcing plans (备货, 调拨, 加急配货, 截留分流). */
export function registerPlanningCommands(program: Command, ctx: CliContext): void {
  const json = () => !!program.opts().json;
  const plan = program.command('planning').description('emergency assortment, surge stock targets, net requirements and sourcing plans');

  const assortment = plan.command('assortment').description('the emergency assortment (民生物资)');
  assortment
    .command('run')
    .description('select the assortment with the saved settings and make it current')
    .option('--size <n>', 'items to select (saved for later runs)')
    .action(async (o) => {
      if (o.size) await ctx.request('PUT', '/api/planning/settings', { body: { size: Number(o.size) } });
      const r = await ctx.request('POST', '/api/planning/assortment/run');
      ctx.print(r, {
        json: json(),
        table: (a: any) =>
          textTable(['category', 'selected', 'minimum', 'eligible'], a.byCategory.map((c: any) => [c.category, c.selected, c.minimum, c.eligible])) +
          `\n${a.lines.length} items (${a.lines.filter((l: any) => l.tier === 'key').length} key), ${(a.coverageShare * 100).toFixed(1)}% of everyday demand, ${a.status}` +
          (a.warnings.length ? `\nwarnings: ${a.warnings.join('; ')}` : ''),
      });
    });
  assortment
    .command('list')
    .option('--tier <tier>', 'essential or key')
    .option('--category <c>')
    .action(async (o) => {
      const qs = new URLSearchParams();
      if (o.tier) qs.set('tier', o.tier);
      if (o.category) qs.set('category', o.category);
      const r = await ctx.request('GET', `/api/planning/assortment?${qs}`);
      ctx.print(r, { json: json(), table: (b: any) => textTable(['item', 'category', 'tier', 'units/day', 'rank', 'why'], b.items.map((i: any) => [i.itemId, i.category, i.tier, i.dailyDemandUnits, i.categoryRank, i.keyReason ? `${i.reason}, key by ${i.keyReason}` : i.reason])) + `\n${b.total} items, ${b.key} key` });
    });
  for (const [mark, what] of [['pin', 'always include'], ['drop', 'never include'], ['unpin', 'clear a pin or drop'], ['key', 'mark key (10x) by hand'], ['not-key', 'never key'], ['key-rule', 'back to the key rule']] as const) {
    assortment
      .command(`${mark} <itemId>`)
      .description(`${what}, then re-run`)
      .option('--no-rerun', 'only save the mark')
      .action(async (itemId, o) => {
        const r = await ctx.request('POST', '/api/planning/assortment/marks', { body: { itemId, mark: mark.replace('-', '_'), rerun: o.rerun } });
        ctx.print(r, { json: json(), table: (b: any) => (b.assortment ? `${b.assortment.lines.length} items, ${(b.assortment.coverageShare * 100).toFixed(1)}% of demand` : 'saved') });
      });
  }

  plan
    .command('multipliers')
    .description('set surge multipliers (default 5x essentials, 10x key items)')
    .option('--essential <x>')
    .option('--key <x>')
    .option('--node <id>', 'set them for one node only')
    .action(async (o) => {
      const s = await ctx.request('GET', '/api/planning/settings');
      const m = { ...s.multipliers };
      if (o.node) m.byNode = { ...(m.byNode ?? {}), [o.node]: { ...(m.byNode?.[o.node] ?? {}), ...(o.essential ? { essential: Number(o.essential) } : {}), ...(o.key ? { key: Number(o.key) } : {}) } };
      else {
        if (o.essential) m.essential = Number(o.essential);
        if (o.key) m.key = Number(o.key);
      }
      ctx.print(await ctx.request('PUT', '/api/planning/settings', { body: { multipliers: m } }), { json: true });
    });

  plan
    .command('targets')
    .description('surge stock targets with days of cover')
    .option('--node <id>')
    .action(async (o) => {
      const r = await ctx.request('GET', `/api/planning/targets${o.node ? `?nodeId=${encodeURIComponent(o.node)}` : ''}`);
      ctx.print(r, { json: json(), table: (b: any) => textTable(['node', 'item', 'tier', 'base/day', 'x', 'target', 'days', 'capped by'], b.targets.map((t: any) => [t.nodeId, t.itemId, t.tier, t.baselineDailyUnits, t.multiplier, t.targetUnits, t.daysOfCover, t.cappedBy ?? ''])) + `\n${b.total} targets, ${b.capped} capped by storage` });
    });

  plan
    .command('needs')
    .description('net requirements: target − (on hand + inbound − reserved)')
    .option('--node <id>')
    .option('--all', 'also rows with no need')
    .action(async (o) => {
      const qs = new URLSearchParams({ onlyShort: String(!o.all) });
      if (o.node) qs.set('nodeId', o.node);
      const r = await ctx.request('GET', `/api/planning/net-requirements?${qs}`);
      ctx.print(r, { json: json(), table: (b: any) => textTable(['node', 'item', 'target', 'on hand', 'inbound', 'reserved', 'need', 'surplus'], b.rows.map((n: any) => [n.nodeId, n.itemId, n.targetUnits, n.onHand, n.inbound, n.reserved, n.needUnits, n.surplusUnits])) + `\n${b.total} rows, ${b.needUnits} units needed` });
    });

  plan
    .command('demo')
    .description('load the Yizhuang demo suppliers and DC shipments')
    .action(async () => ctx.print(await ctx.request('POST', '/api/planning/demo'), { json: json(), table: (r: any) => `${r.suppliers} suppliers, ${r.supplierItems} supplier items, ${r.shipments} DC shipments` }));

  const summaryText = (p: any) => {
    const s = p.summary;
    return (
      `plan ${p.id} (${p.status}): ${s.method}, ${s.status}; ${s.needs} needs (${s.needUnits} units) at ${s.receivers.length} node(s)\n` +
      `short ${s.shortageUnits} units (weighted ${s.weightedShortageUnits}), cost ¥${yuan(s.costFen)} (transport ${yuan(s.transportFen)}, delivery ${yuan(s.deliveryFen)}, premiums ${yuan(s.premiumFen)}); ` +
      `gap to ${s.boundKind ? `the ${s.boundKind} ` : ''}bound ${s.gapPct ?? '-'}%; greedy: short ${s.greedy.weightedShortageUnits}, cost ¥${yuan(s.greedy.costFen)}; ${s.solveTimeS} s` +
      (p.warnings.length ? `\nwarnings: ${p.warnings.join('; ')}` : '')
    );
  };

  plan
    .command('create')
    .description('plan sourcing for some nodes (e.g. the store reopening online-only) or the whole network')
    .option('--nodes <ids>', 'comma-separated receivers (default: every node with a target)')
    .option('--within <h>', 'hours by which stock should arrive (default 24)')
    .option('--show <n>', 'lines to print', '30')
    .action(async (o) => {
      const body: Record<string, unknown> = {};
      if (o.nodes) body.receivers = String(o.nodes).split(',');
      if (o.within) body.params = { neededWithinH: Number(o.within) };
      const p = await ctx.request('POST', '/api/planning/plans', { body });
      ctx.print(p, { json: json(), table: (x: any) => linesTable(x, Number(o.show)) + '\n' + summaryText(x) });
    });

  plan
    .command('show <id>')
    .description('review a plan: lines with reasons, shortages with reasons')
    .option('--show <n>', 'lines to print', '50')
    .action(async (id, o) => {
      const p = await ctx.request('GET', `/api/planning/plans/${encodeURIComponent(id)}`);
      ctx.print(p, { json: json(), table: (x: any) => linesTable(x, Number(o.show)) + '\n' + summaryText(x) });
    });

  plan
    .command('list')
    .action(async () => {
      const r = await ctx.request('GET', '/api/planning/plans');
      ctx.print(r.plans, { json: json(), table: (ps: any[]) => textTable(['id', 'status', 'created', 'method', 'short', 'cost ¥'], ps.map((p) => [p.id, p.status, localTime(p.createdAt), p.summary.method, p.summary.weightedShortageUnits, yuan(p.summary.costFen)])) });
    });

  plan
    .command('apply <id>')
    .description('apply a draft plan: create transfer orders, purchase orders and diversions (all or nothing)')
    .action(async (id) => {
      const p = await ctx.request('POST', `/api/planning/plans/${encodeURIComponent(id)}/apply`);
      ctx.print(p, { json: json(), table: (x: any) => textTable(['document', 'kind', 'from', 'to', 'lines'], x.documents.map((d: any) => [d.id, d.kind, d.fromId, d.toNodeId, d.lines.length])) + `\n${x.documents.length} documents` });
    });

  plan
    .command('discard <id>')
    .action(async (id) => ctx.print(await ctx.request('POST', `/api/planning/plans/${encodeURIComponent(id)}/discard`), { json: json(), table: (x: any) => `plan ${x.id} ${x.status}` }));

  plan
    .command('export <id> <file>')
    .description("write the plan's documents to an .xlsx workbook")
    .action(async (id, file) => {
      const res = await ctx.call('GET', `/api/planning/plans/${encodeURIComponent(id)}/documents.xlsx`);
      if (res.status >= 400) throw new CliError(`export failed: ${res.raw.toString('utf8')}`, res.status === 404 ? 1 : 1);
      writeFileArg(file, res.raw);
      process.stderr.write(`wrote ${file}\n`);
    });
}

function linesTable(p: any, show: number): string {
  const lines = p.lines.slice(0, show);
  const head = textTable(
    ['#', 'kind', 'item', 'to', 'qty', 'from', 'h', 'why'],
    lines.map((l: any) => [l.lineNo, l.kind === 'supplier_order' ? (l.expedited ? 'expedite' : 'order') : l.kind, l.itemId, l.toNodeId, l.quantity, l.fromNodeId ?? l.supplierId ?? '', l.arrivalH, l.reason.length > 90 ? `${l.reason.slice(0, 87)}…` : l.reason]),
  );
  const more = p.lines.length > show ? `\n… ${p.lines.length - show} more lines` : '';
  const shorts = p.shortages.length
    ? '\n' + textTable(['short at', 'item', 'tier', 'need', 'short', 'why'], p.shortages.slice(0, 10).map((s: any) => [s.nodeId, s.itemId, s.tier, s.needUnits, s.shortUnits, s.reason.length > 90 ? `${s.reason.slice(0, 87)}…` : s.reason])) + (p.shortages.length > 10 ? `\n… ${p.shortages.length - 10} more shortages` : '')
    : '';
  return head + more + shorts;
}
