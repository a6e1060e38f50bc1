/** CLI commands for incidents: declare, draft and show the plan, simulate, apply, lift, reconcile. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readFileArg, textTable, CliError, localTime, networkTimeZone, type CliContext } from '../context.ts';

/** Incidents: declare from a JSON file, draft and show the plan, simulate, apply, lift, reconcile. */
export function registerIncidentCommands(program: Command, ctx: CliContext): void {
  const json = () => !!program.opts().json;
  const inc = program.command('incidents').description('incidents and their response plans');
  const enc = encodeURIComponent;

  inc.command('list').description('list incidents').action(async () => {
    const b = await ctx.request('GET', '/api/incidents');
    ctx.print(b.incidents, { json: json(), table: (xs: any[]) => textTable(['id', 'name', 'status', 'declared'], xs.map((x) => [x.id, x.name, x.status, localTime(x.declaredAt)])) });
  });
  inc.command('declare <file>').description('declare an incident from a JSON file (see docs/incidents.md)').option('--idempotency-key <key>').action(async (file, o) => {
    let body: unknown;
    try {
      body = JSON.parse(readFileArg(file).toString('utf8'));
    } catch (e) {
      throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`, 2);
    }
    const r = await ctx.request('POST', '/api/incidents', { body, idempotencyKey: o.idempotencyKey });
    ctx.print(r, { json: json(), table: (x: any) => `declared ${x.id} (${x.name}), status ${x.status}, ${x.spec?.areas?.length ?? 0} area(s)\nnext: baogong incidents plan ${x.id}` });
  });
  inc.command('declare-demo').description('declare the built-in Yizhuang June 2022 incident (3 lockdown areas, emergency warehouse, online-only reopening)')
    .option('--id <id>', 'incident id', 'yizhuang-2022')
    .option('--today', 'place the scenario on today\'s dates: the first area starts today at 10:00 in the network\'s time zone (Asia/Shanghai), every other date keeps its offset')
    .option('--starts-at <iso>', 'move the incident to start at this instant, or "now" (default: the scenario\'s own dates, 22 June 2022)')
    .action(async (o) => {
      if (o.today && o.startsAt) throw new CliError('--today and --starts-at: choose one', 2);
      const startsAt = o.today ? todayAt10InNetworkZone() : o.startsAt === 'now' ? new Date().toISOString() : o.startsAt;
      if (startsAt !== undefined && Number.isNaN(Date.parse(startsAt))) throw new CliError(`--starts-at: expected an ISO instant (e.g. 2026-12-05T10:00:00+08:00) or "now", got "${o.startsAt}"`, 2);
      const r = await ctx.request('POST', '/api/incidents/demo', { body: { id: o.id, ...(startsAt ? { startsAt } : {}) } });
      ctx.print(r, { json: json(), table: (x: any) => [`declared ${x.id} (${x.name}), status ${x.status}`, ...x.spec.areas.map((a: any) => `  area ${a.id} ${a.level} from ${localTime(a.startsAt)}${a.endsAt ? ` to ${localTime(a.endsAt)}` : ''}`), `next: baogong incidents plan ${x.id}`].join('\n') });
    });
  inc.command('plan <id>').description('draft the response plan and print its summary')
    .option('--trips-budget-ms <n>', 'wall time for the trips part').option('--roster-time-limit <s>', 'roster MIP time limit, seconds')
    .action(async (id, o) => {
    const body = { ...(o.tripsBudgetMs ? { tripsBudgetMs: Number(o.tripsBudgetMs) } : {}), ...(o.rosterTimeLimit ? { rosterTimeLimitS: Number(o.rosterTimeLimit) } : {}) };
    const p = await ctx.request('POST', `/api/incidents/${enc(id)}/plan`, { body });
    ctx.print(p, { json: json(), table: summary });
  });
  inc.command('show <id>').description('the incident and its current plan: a summary (--full for every part, as JSON)')
    .option('--full', 'everything: the incident, its plan parts and steps, as JSON')
    .action(async (id, o) => {
      const x = await ctx.request('GET', `/api/incidents/${enc(id)}`);
      if (o.full) ctx.print(x, { json: true });
      else ctx.print(x, { json: json(), table: incidentSummary });
    });
  inc.command('simulate <id>').description('simulate the plan against no response').option('--days <n>', 'days', '7').option('--seed <n>', 'seed', '1')
    .option('--apply-after <min>', 'minutes after the incident starts at which the drafted plan is taken to be applied (default 120)')
    .action(async (id, o) => {
    const r = await ctx.request('POST', `/api/incidents/${enc(id)}/simulate`, { body: { days: Number(o.days), seed: Number(o.seed), ...(o.applyAfter !== undefined ? { applyAfterMin: Number(o.applyAfter) } : {}) } });
    ctx.print(r, {
      json: json(),
      table: (x: any) => {
        const scripted = new Map<string, unknown>((x.comparisonScripted ?? []).map((c: any) => [c.kpi, c.a]));
        const head = `${x.days} days from ${x.startDate}, seed ${x.seed}, ${x.from}; demand surge ×${x.demand.surge} once (zones ${x.demand.zonesOrdersPerDay} orders a day)`;
        const cols = ['KPI', 'no response', 'plan', 'plan − none', ...(x.scripted ? ['scripted 2022'] : [])];
        return `${head}\n${textTable(cols, x.comparison.map((c: any) => [c.kpi, c.a ?? '—', c.b ?? '—', c.delta ?? '—', ...(x.scripted ? [scripted.get(c.kpi) ?? '—'] : [])]))}`;
      },
    });
  });
  inc.command('apply <id>').description('apply the reviewed plan exactly (steps with compensations); resumes an apply stopped midway')
    .option('--fail-at-step <step>', 'drill: make a step fail to rehearse the compensations')
    .option('--override <reason>', 'apply although the plan changed since its last simulation, saying why')
    .action(async (id, o) => {
    const p = await ctx.request('POST', `/api/incidents/${enc(id)}/apply`, { body: { ...(o.failAtStep ? { failAtStep: o.failAtStep } : {}), ...(o.override ? { override: { reason: o.override } } : {}) } });
    const short = (x: any) => x.steps.find((s: any) => s.step === 'trips')?.result?.vehiclesShortText;
    ctx.print(p, { json: json(), table: (x: any) => textTable(['step', 'status'], x.steps.map((s: any) => [s.step, s.status])) + (short(x) ? `\nfleet on day 1: ${short(x)}\n` : '') });
  });
  inc.command('undo-apply <id>').description('undo an apply stopped midway (e.g. the server was killed) or failed: every step done is compensated').action(async (id) => {
    const p = await ctx.request('POST', `/api/incidents/${enc(id)}/apply/undo`, { body: {} });
    ctx.print(p, { json: json(), table: (x: any) => textTable(['step', 'status'], x.steps.map((s: any) => [s.step, s.status])) });
  });
  inc.command('lift <id>').description('lift the incident and return to normal operations').action(async (id) => {
    const r = await ctx.request('POST', `/api/incidents/${enc(id)}/lift`);
    ctx.print(r, { json: json(), table: (x: any) => (Array.isArray(x?.steps) ? `lifted ${id}\n` + textTable(['step', 'status'], x.steps.map((s: any) => [s.step, s.status])) : `lifted ${id}, status ${x?.status ?? x?.incident?.status ?? 'lifted'}`) });
  });
  inc.command('reconcile <id> [day]').description('the reconciliation of an operating day (YYYY-MM-DD, default yesterday in Beijing), run now; --out file.xlsx to export')
    .option('--out <file>', 'write the report to an .xlsx file')
    .option('--runs', 'list the recorded runs (nightly and on demand) instead')
    .action(async (id, day, o) => {
      const q = day ? `?day=${enc(day)}` : '';
      if (o.runs) {
        const r = await ctx.request('GET', `/api/incidents/${enc(id)}/reconciliation/runs${q}`);
        ctx.print(r, { json: json(), table: (x: any) => textTable(['day', 'finished', 'trigger', 'status', 'movements', 'differences', 'error'], x.runs.map((u: any) => [u.day, u.finishedAt, u.trigger, u.status, u.movements, u.differences, u.error ?? ''])) });
        return;
      }
      if (o.out) {
        const res = await ctx.call('GET', `/api/incidents/${enc(id)}/reconciliation/export${q}`);
        if (res.status !== 200) throw new CliError(`export failed: ${res.status} ${res.raw.toString('utf8').slice(0, 300)}`, 1);
        writeFileSync(o.out, res.raw);
        process.stdout.write(`wrote ${o.out} (${res.raw.length} bytes)\n`);
        return;
      }
      const r = await ctx.request('GET', `/api/incidents/${enc(id)}/reconciliation${q}`);
      ctx.print(r, {
        json: json(),
        table: (x: any) => textTable(['node', 'asked', 'sent', 'received', 'opening bal.', 'sold', 'written off', 'counted Δ', 'movements', 'differences'], x.lines.map((l: any) => [l.nodeId, l.asked, l.sent, l.received, l.openingBalance ?? 0, l.sold, l.writtenOff, l.countedDelta, l.movements ?? 0, l.differences.map((d: any) => d.kind).join(', ')])),
      });
    });
}

function summary(p: any): string {
  const s = p.summary;
  return [
    `plan ${p.id} (${p.status}) for incident ${p.incidentId}`,
    `orders a day covered ${s.ordersPerDayCovered}, not covered ${s.ordersPerDayNotCovered}`,
    `essential days of cover ${s.essentialDaysOfCover ?? '—'}`,
    `trips ${s.trips} (${s.coldChainTrips} cold chain, ${s.ambientTrips ?? 0} ambient), dry-ice bags ${s.dryIceBags ?? 0}, ice packs ${s.icePacks ?? 0}, loads without a trip ${s.tripsUnassignedLoads ?? 0}`,
    `staff-hours assigned ${s.staffHoursAssigned ?? 0} (${s.staffHoursPerDay} a day), unmet role-hours ${s.unmetRoleHours ?? 0}`,
    ...p.parts.map((x: any) => `  part ${x.part}${x.edited ? ' (edited)' : ''}`),
    ...s.notes.map((n: string) => `  note: ${n}`),
  ].join('\n');
}

/** `incidents show` without --full: what a person reads first, a screen rather than 500 kB. */
function incidentSummary(x: any): string {
  const lines = [
    `incident ${x.id}: ${x.name}`,
    `status    ${x.status}`,
    `declared  ${localTime(x.declaredAt)}${x.appliedAt ? `   applied ${localTime(x.appliedAt)}` : ''}${x.liftedAt ? `   lifted ${localTime(x.liftedAt)}` : ''}`,
  ];
  const areas: any[] = x.spec?.areas ?? [];
  if (areas.length) {
    lines.push('', textTable(['area', 'level', 'from', 'to'], areas.map((a) => [a.id, a.level, localTime(a.startsAt), a.endsAt ? localTime(a.endsAt) : 'open-ended'])));
  }
  for (const p of [x.plan, x.liftPlan].filter(Boolean)) {
    lines.push('', `${p.kind} plan ${p.id} (${p.status}), drafted ${localTime(p.createdAt)}${p.appliedAt ? `, applied ${localTime(p.appliedAt)}` : ''}`);
    const s = p.summary ?? {};
    const facts: Array<[string, unknown]> = [
      ['orders a day covered', s.ordersPerDayCovered],
      ['orders a day not covered', s.ordersPerDayNotCovered],
      ['essential days of cover', s.essentialDaysOfCover],
      ['trips', s.trips],
      ['staff-hours a day', s.staffHoursPerDay],
      ['unmet role-hours', s.unmetRoleHours],
    ];
    const shown = facts.filter(([, v]) => v !== undefined && v !== null);
    if (shown.length) lines.push(textTable(['figure', 'value'], shown.map(([k, v]) => [k, String(v)])));
    if (p.parts?.length) lines.push(`parts: ${p.parts.map((pt: any) => pt.part + (pt.edited ? ' (edited)' : '')).join(', ')}`);
    if (p.steps?.length) lines.push(textTable(['step', 'status', 'at'], p.steps.map((st: any) => [st.step, st.status, localTime(st.at)])));
  }
  lines.push('', `(everything, as JSON: baogong incidents show ${x.id} --full)`);
  return lines.join('\n');
}

/** Today's date at 10:00 in the network's zone (the scenario's first area started at 10:00 Beijing time). */
function todayAt10InNetworkZone(now = new Date()): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: networkTimeZone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  // Asia/Shanghai has had no daylight saving since 1991: +08:00 all year.
  return `${day}T10:00:00+08:00`;
}
