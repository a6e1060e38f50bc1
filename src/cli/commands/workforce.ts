/** CLI commands for staff and staffing plans. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { readFileArg, textTable, localTime, CliError, writeFileArg, type CliContext } from '../context.ts';
import { XLSX_MIME } from '../../api/mime.ts';

const h = (min: number) => (min / 60).toFixed(1);

/** Staff and staffing plans: list, import, plan, apply, roster export, schedules, capacity. */
export function registerWorkforceCommands(program: Command, ctx: CliContext): void {
  const json = () => !!program.opts().json;
  const staff = program.command('staff').description('the pooled workforce: staff, staffing plans, rosters, capacity');

  staff
    .command('list')
    .description('list staff')
    .option('--node <id>', 'home node')
    .option('--role <role>', 'picker, packer, receiver, shelver, driver, rider, manager')
    .action(async (o) => {
      const qs = new URLSearchParams(Object.entries({ homeNodeId: o.node, role: o.role }).filter(([, v]) => v) as [string, string][]);
      const body = await ctx.request('GET', `/api/staff?${qs}`);
      ctx.print(body.staff, {
        json: json(),
        table: (ss: any[]) =>
          textTable(['id', 'name', 'home', 'roles', 'permit', 'closed-loop', 'h/day'], ss.map((s) => [s.id, s.name, s.homeNodeId, s.roles.join(','), s.permitStatus, s.canLiveOnSite ? 'yes' : '', s.maxHoursPerDay])) +
          `\n${ss.length} people`,
      });
    });

  staff
    .command('import <file>')
    .description('import staff from .csv or .xlsx (columns: id,name,homeNodeId,roles,skills,permitStatus,canLiveOnSite,maxHoursPerDay,insideNodeId)')
    .option('--dry-run', 'check the file, change nothing')
    .option('--skip-bad-rows', 'import the good rows, report the bad ones')
    .action(async (file, o) => {
      const xlsx = path.extname(file).toLowerCase() === '.xlsx';
      const qs = new URLSearchParams({ dryRun: String(!!o.dryRun), skipBadRows: String(!!o.skipBadRows) });
      const r = await ctx.request('POST', `/api/staff/import?${qs}`, { rawBody: readFileArg(file), contentType: xlsx ? XLSX_MIME : 'text/csv' });
      ctx.print(r, { json: json(), table: (x) => `${x.rows} rows: ${x.created} created, ${x.updated} updated, ${x.skipped} skipped${x.dryRun ? ' (dry run)' : ''}` });
    });

  staff
    .command('plan')
    .description('plan staffing for a horizon (HiGHS MIP); prints the shortfall and the plan id')
    .option('--starts-at <iso>', 'plan day 0 at 00:00 (default today 00:00 Beijing time)')
    .option('--days <n>', 'days', '3')
    .option('--shifts-per-day <n>', 'shifts a day', '3')
    .option('--request <file.json>', 'a full plan request (loads, dailyLoads, rates, rules) as JSON')
    .option('--time-limit <s>', 'solver time limit, seconds')
    .option('--idempotency-key <key>', 'retry-safe key')
    .action(async (o) => {
      let body: Record<string, unknown> = {};
      if (o.request) {
        try {
          body = JSON.parse(readFileSync(o.request, 'utf8'));
        } catch (e) {
          throw new CliError(`--request: cannot read JSON from ${o.request}: ${(e as Error).message}`, 2);
        }
      }
      if (o.startsAt) body.startsAt = o.startsAt;
      body.days = Number(o.days);
      body.shiftsPerDay = Number(o.shiftsPerDay);
      if (o.timeLimit) body.rules = { ...(body.rules as object), timeLimitS: Number(o.timeLimit) };
      const plan = await ctx.request('POST', '/api/staffing-plans', { body, idempotencyKey: o.idempotencyKey });
      ctx.print(plan, { json: json(), table: planSummary });
    });

  staff
    .command('show <planId>')
    .description('a plan and its review')
    .action(async (id) => ctx.print(await ctx.request('GET', `/api/staffing-plans/${encodeURIComponent(id)}`), { json: json(), table: planSummary }));

  staff
    .command('apply <planId>')
    .description('apply a draft plan: it becomes the roster')
    .action(async (id) => {
      const p = await ctx.request('POST', `/api/staffing-plans/${encodeURIComponent(id)}/apply`);
      ctx.print(p, { json: json(), table: (x) => `plan ${x.id} applied at ${localTime(x.appliedAt)}` });
    });

  staff
    .command('roster <planId>')
    .description('export the roster as .xlsx')
    .option('--out <file>', 'where to write', 'roster.xlsx')
    .action(async (id, o) => {
      const res = await ctx.call('GET', `/api/staffing-plans/${encodeURIComponent(id)}/roster.xlsx`);
      if (res.status >= 400) throw new CliError(`error ${res.status}: ${res.body?.message ?? res.raw.toString('utf8').slice(0, 300)}`, res.status === 404 ? 1 : 2);
      writeFileArg(o.out, res.raw);
      process.stdout.write(`wrote ${o.out} (${res.raw.length} bytes)\n`);
    });

  staff
    .command('schedule <staffId>')
    .description("a person's own schedule (the applied plan, or --plan)")
    .option('--plan <id>')
    .action(async (id, o) => {
      const qs = o.plan ? `?planId=${encodeURIComponent(o.plan)}` : '';
      const s = await ctx.request('GET', `/api/staff/${encodeURIComponent(id)}/schedule${qs}`);
      ctx.print(s, {
        json: json(),
        table: (x) =>
          `${x.staffId} ${x.name} — plan ${x.planId ?? '(none applied)'}\n` +
          textTable(['starts', 'ends', 'shift', 'node', 'role', 'tasks'], x.items.map((i: any) => [localTime(i.startsAt), localTime(i.endsAt), i.shiftId, i.nodeName, i.role, i.tasks.map((t: any) => `${t.role} ${t.minutes}m`).join(', ')])),
      });
    });

  staff
    .command('capacity <nodeId>')
    .description('orders per slot the node can pick and pack with the staff assigned')
    .option('--plan <id>')
    .option('--slot-min <n>', 'slot length, minutes', '60')
    .action(async (id, o) => {
      const qs = new URLSearchParams({ slotMin: o.slotMin, ...(o.plan ? { planId: o.plan } : {}) });
      const c = await ctx.request('GET', `/api/nodes/${encodeURIComponent(id)}/capacity?${qs}`);
      ctx.print(c, { json: json(), table: (x) => textTable(['starts', 'ends', 'pickers', 'packers', 'orders/slot'], x.slots.map((s: any) => [localTime(s.startsAt), localTime(s.endsAt), s.pickers, s.packers, s.ordersPerSlot])) });
    });
}

function planSummary(p: any): string {
  const t = p.review.totals;
  const lines = [
    `plan ${p.id} (${p.status}), ${localTime(p.startsAt)} → ${localTime(p.endsAt)}, method ${p.method}, solver ${p.solver.status} in ${p.solver.solveTimeS.toFixed(1)} s`,
    `needed ${h(t.requiredMin)} role-hours, covered ${h(t.coveredMin)}, unmet ${t.unmetRoleHours}; ${t.assignments} assignments, ${t.peopleRostered} people (${t.peopleBorrowed} borrowed); over hours: ${p.review.overHours.length}`,
    ...p.notes,
  ];
  if (p.review.shortfallByRoleShift.length > 0) {
    lines.push('', 'shortfall by role and shift (hours):');
    lines.push(textTable(['shift', 'role', 'unmet h'], p.review.shortfallByRoleShift.map((s: any) => [s.shiftId, s.role, h(s.unmetMin)])));
  }
  return lines.join('\n');
}
