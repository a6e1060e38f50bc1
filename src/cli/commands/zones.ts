/** CLI commands for delivery zones, control areas and zone reassignment. */
import type { Command } from 'commander';
import { readFileArg, textTable, localTime, CliError, writeFileArg, type CliContext } from '../context.ts';

const parseJson = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} is not valid JSON: ${(e as Error).message}`, 2);
  }
};

/** Delivery zones, control areas and zone reassignment (切换路区). */
export function registerZonesCommands(program: Command, ctx: CliContext): void {
  const json = () => !!program.opts().json;
  const zones = program.command('zones').description('delivery zones (路区), control areas and zone reassignment');

  zones
    .command('list')
    .description('list zones')
    .option('--node <id>', 'only zones served by this node')
    .action(async (o) => {
      const body = await ctx.request('GET', `/api/zones${o.node ? `?nodeId=${encodeURIComponent(o.node)}` : ''}`);
      ctx.print(body, {
        json: json(),
        table: (b: any) =>
          textTable(['id', 'orders/day', 'serving', 'split', 'backups', 'area km²'], b.zones.map((z: any) => [z.id, z.demandOrdersPerDay, z.servingNodeId ?? '-', z.split ? `${z.split.nodeId}:${z.split.ordersPerDay}` : '', z.backupNodeIds.join(','), (z.areaM2 / 1e6).toFixed(2)])) +
          `\n${b.zones.length} zones, ${b.totalOrdersPerDay} orders a day`,
      });
    });

  zones
    .command('lookup <lat> <lng>')
    .description('the zone and serving node of an address (WGS84)')
    .action(async (lat, lng) => {
      const b = await ctx.request('GET', `/api/zones/lookup?lat=${encodeURIComponent(lat)}&lng=${encodeURIComponent(lng)}`);
      ctx.print(b.lookup, { json: json(), table: (l: any) => (l ? `zone ${l.zoneId}: node ${l.servingNodeId ?? '(none)'}, backups ${l.backupNodeIds.join(', ') || '-'}${l.underLockdown ? `; under lockdown (${l.controlAreaId}), drop point ${l.dropPoint?.name ?? 'none'}` : ''}` : 'no zone covers this address') });
    });

  zones
    .command('import <file>')
    .description('import zones from a GeoJSON FeatureCollection (all or nothing)')
    .option('--replace', 'the file becomes the whole set of zones')
    .option('--dry-run', 'check the file, change nothing')
    .option('--overlap-tolerance <pct>', 'allowed overlap, % of the smaller zone', '1')
    .action(async (file, o) => {
      const qs = new URLSearchParams({ mode: o.replace ? 'replace' : 'merge', dryRun: String(!!o.dryRun), overlapTolerancePct: o.overlapTolerance });
      const body = parseJson(readFileArg(file).toString('utf8'), file);
      const r = await ctx.request('POST', `/api/zones/import?${qs}`, { body });
      ctx.print(r, { json: json(), table: (x: any) => `${x.dryRun ? '(dry run) ' : ''}${x.features} zones: ${x.created} created, ${x.updated} updated, ${x.deleted} deleted${x.rewound.length ? `; winding fixed on ${x.rewound.join(', ')}` : ''}` });
    });

  zones
    .command('export [file]')
    .description('export every zone as GeoJSON (to a file, or stdout)')
    .action(async (file) => {
      const res = await ctx.call('GET', '/api/zones/export');
      if (res.status >= 400) throw new CliError(`export failed: ${res.raw.toString('utf8')}`, 1);
      if (file) {
        writeFileArg(file, res.raw);
        process.stderr.write(`wrote ${file}\n`);
      } else process.stdout.write(res.raw.toString('utf8') + '\n');
    });

  zones
    .command('generate')
    .description('generate H3 zones over a box or around nodes')
    .requiredOption('--resolution <n>', 'H3 resolution 5-10 (8 ≈ 0.74 km²)')
    .option('--bbox <minLat,minLng,maxLat,maxLng>', 'the box to cover')
    .option('--nodes <ids>', 'comma-separated node ids whose reach to cover')
    .option('--radius <m>', 'radius around the nodes instead of their own')
    .option('--orders <n>', 'orders a day spread evenly over the cells', '0')
    .option('--replace', 'replace the existing zones')
    .action(async (o) => {
      const body: Record<string, unknown> = { resolution: Number(o.resolution), totalOrdersPerDay: Number(o.orders), replace: !!o.replace };
      if (o.bbox) {
        const [minLat, minLng, maxLat, maxLng] = String(o.bbox).split(',').map(Number);
        body.bbox = { minLat, minLng, maxLat, maxLng };
      }
      if (o.nodes) body.nodeIds = String(o.nodes).split(',');
      if (o.radius) body.radiusM = Number(o.radius);
      ctx.print(await ctx.request('POST', '/api/zones/generate', { body }), { json: json(), table: (r: any) => `${r.created} zones generated (${r.deleted} replaced)` });
    });

  const areas = zones.command('areas').description('control areas: lockdown 封控区 / controlled 管控区 / precaution 防范区');
  areas
    .command('list')
    .action(async () => {
      const b = await ctx.request('GET', '/api/control-areas');
      ctx.print(b.areas, { json: json(), table: (as: any[]) => textTable(['id', 'level', 'name', 'starts', 'ends', 'lifted'], as.map((a) => [a.id, a.level, a.name, localTime(a.startsAt), a.endsAt ? localTime(a.endsAt) : '-', a.liftedAt ? localTime(a.liftedAt) : '-'])) });
    });
  areas
    .command('show <id>')
    .description('an area and its effects on nodes and zones')
    .action(async (id) => ctx.print(await ctx.request('GET', `/api/control-areas/${encodeURIComponent(id)}`), { json: true }));
  areas
    .command('declare <file>')
    .description('declare an area from a JSON file ({id, level, geometry, startsAt, dropPoints, allowOnlineOnly})')
    .option('--preview', 'show the effects without applying them')
    .action(async (file, o) => {
      const body = parseJson(readFileArg(file).toString('utf8'), file);
      const r = await ctx.request('POST', o.preview ? '/api/control-areas/preview' : '/api/control-areas', { body });
      ctx.print(r, { json: json(), table: (x: any) => `${o.preview ? '(preview) ' : ''}${x.area.level} area ${x.area.id}\n` + textTable(['effect', 'node', 'zone', 'reason'], x.effects.map((e: any) => [e.kind, e.nodeId ?? '', e.zoneId ?? '', e.reason])) });
    });
  areas
    .command('lift <id>')
    .description('lift an area and undo its effects')
    .action(async (id) => {
      const r = await ctx.request('POST', `/api/control-areas/${encodeURIComponent(id)}/lift`);
      ctx.print(r, { json: json(), table: (x: any) => textTable(['effect', 'node', 'zone', 'undone'], x.effects.map((e: any) => [e.kind, e.nodeId ?? '', e.zoneId ?? '', e.revertNote ?? ''])) });
    });

  zones
    .command('tick')
    .description('run the control-area scheduler now: apply areas whose start has come, undo areas past their end')
    .action(async () => {
      const r = await ctx.request('POST', '/api/zones/control-areas/tick');
      ctx.print(r, {
        json: json(),
        table: (x: any) =>
          x.tookEffect.length + x.lifted.length === 0
            ? `nothing to do at ${x.at}`
            : textTable(['area', 'change', 'effects'], [...x.tookEffect.map((a: any) => [a.areaId, 'took effect', a.effects]), ...x.lifted.map((a: any) => [a.areaId, 'ended, effects undone', a.effects])]),
      });
    });

  const printPlan = (r: any) => {
    const p = r.proposal;
    const head = `reassignment ${r.id} (${r.status}) by ${p.method}${p.fallbackReason ? ` — ${p.fallbackReason}` : ''}; gap ${p.gapPct === null ? '-' : p.gapPct.toFixed(3) + '%'}, ${p.solveTimeS.toFixed(2)} s`;
    const diff = textTable(['zone', 'orders/day', 'old node', 'new node', 'split', 'distance m', 'unserved'], p.changes.map((c: any) => [c.zoneId, c.demandOrdersPerDay, c.oldNodeId ?? '-', c.newNodeId ?? '-', c.newSplit ? `${c.newSplit.nodeId}:${c.newSplit.ordersPerDay}` : '', c.distanceM ?? '-', c.unservedOrdersPerDay || '']));
    const loads = textTable(['node', 'capacity', 'radius m', 'load before', 'load after'], p.nodeLoads.map((l: any) => [l.nodeId, l.dailyOrderCapacity, l.maxDeliveryRadiusM, l.loadBefore, l.loadAfter]));
    const why = new Map((p.unservedExplained ?? []).map((u: any) => [u.zoneId, u]));
    const change = (c: any) => (c ? `; smallest change: ${c.nodeId} ${c.maxDeliveryRadiusM ? `radius ${c.maxDeliveryRadiusM.from} -> ${c.maxDeliveryRadiusM.to} m` : `capacity ${c.dailyOrderCapacity.from} -> ${c.dailyOrderCapacity.to}/day`}` : '');
    const uns = p.unserved.length
      ? `\nunserved: ${p.totals.unservedOrdersPerDay} orders a day\n` + p.unserved.map((u: any) => { const w: any = why.get(u.zoneId); return `  ${u.zoneId}: ${u.ordersPerDay} (${w ? `${w.why}${change(w.smallestChange)}` : u.reason})`; }).join('\n')
      : '\nevery zone is served';
    const nc = (p.nodeChanges ?? []).length ? `\n\nnode changes:\n` + p.nodeChanges.map((c: any) => `  ${c.nodeId}: radius ${c.maxDeliveryRadiusM.from} -> ${c.maxDeliveryRadiusM.to} m, capacity ${c.dailyOrderCapacity.from} -> ${c.dailyOrderCapacity.to}/day (${c.reason})`).join('\n') : '';
    return `${head}\n\n${diff}\n\n${loads}${nc}${uns}`;
  };
  zones
    .command('plan')
    .description('plan a zone reassignment for the nodes that stopped trading or changed (a reviewable diff)')
    .option('--widen <node=radiusM,...>', 'what-if radius per node, e.g. yicheng-jingyuan=8000')
    .option('--capacity <node=orders,...>', 'what-if daily order capacity per node')
    .option('--all', 'let every zone move, not only the affected ones')
    .option('--no-split', 'never split a zone between two nodes')
    .option('--greedy', 'use the greedy heuristic instead of the MIP')
    .option('--widen-within-limits', 'widen radii and raise capacities within the per-kind limits (zones limits) before leaving a zone unserved')
    .action(async (o) => {
      const overrides = new Map<string, Record<string, unknown>>();
      const put = (spec: string | undefined, key: string) => {
        for (const part of (spec ?? '').split(',').filter(Boolean)) {
          const [nodeId, v] = part.split('=');
          if (!nodeId || !Number.isInteger(Number(v))) throw new CliError(`bad override "${part}": expected node=integer`, 2);
          overrides.set(nodeId, { ...(overrides.get(nodeId) ?? { nodeId }), [key]: Number(v) });
        }
      };
      put(o.widen, 'maxDeliveryRadiusM');
      put(o.capacity, 'dailyOrderCapacity');
      const body = { overrides: [...overrides.values()], scope: o.all ? 'all' : 'affected', allowSplit: o.split !== false, greedy: !!o.greedy, widen: !!o.widenWithinLimits };
      ctx.print(await ctx.request('POST', '/api/zones/reassignments', { body }), { json: json(), table: printPlan });
    });
  const limitsTable = (r: any) =>
    textTable(['node kind', 'max radius m', 'max orders/day'], Object.entries(r.limits).map(([k, l]: [string, any]) => [k, l.maxDeliveryRadiusM, l.maxDailyOrderCapacity]));
  const limits = zones.command('limits').description('per node kind, how far a plan may widen a delivery radius and raise a daily order capacity');
  limits
    .command('show', { isDefault: true })
    .description('show the limits')
    .action(async () => ctx.print(await ctx.request('GET', '/api/zones/node-limits'), { json: json(), table: limitsTable }));
  limits
    .command('set <kind>')
    .description('set the limits of one node kind, e.g. zones limits set store --radius 8000 --capacity 5000')
    .requiredOption('--radius <m>', 'maximum delivery radius in metres')
    .requiredOption('--capacity <orders>', 'maximum daily order capacity')
    .action(async (kind, o) => {
      const int = (v: string, what: string) => {
        if (!/^\d+$/.test(v)) throw new CliError(`${what} must be a whole number, got "${v}"`, 2);
        return Number(v);
      };
      const body = { limits: { [kind]: { maxDeliveryRadiusM: int(o.radius, '--radius'), maxDailyOrderCapacity: int(o.capacity, '--capacity') } } };
      ctx.print(await ctx.request('PUT', '/api/zones/node-limits', { body }), { json: json(), table: limitsTable });
    });
  zones
    .command('show-plan <id>')
    .action(async (id) => ctx.print(await ctx.request('GET', `/api/zones/reassignments/${encodeURIComponent(id)}`), { json: json(), table: printPlan }));
  zones
    .command('apply <id>')
    .description('apply a planned reassignment atomically')
    .action(async (id) => ctx.print(await ctx.request('POST', `/api/zones/reassignments/${encodeURIComponent(id)}/apply`), { json: json(), table: (r: any) => `reassignment ${r.id} applied at ${localTime(r.appliedAt)}: ${r.proposal.changes.length} zones moved` }));
  zones
    .command('revert <id>')
    .description('revert an applied reassignment')
    .action(async (id) => ctx.print(await ctx.request('POST', `/api/zones/reassignments/${encodeURIComponent(id)}/revert`), { json: json(), table: (r: any) => `reassignment ${r.id} reverted at ${localTime(r.revertedAt)}` }));
}
