/** The `baogong simulate` command: a scenario's no response against its response, in-process, with an HTML report. */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { CliError, textTable, writeFileArg, type CliContext } from '../context.ts';
import { exitCodeFor } from '../../api/errors.ts';
import { DomainException } from '../../domain/shared/index.ts';
import { BUILT_IN_SCENARIOS } from '../../flows/built-in-scenarios.ts';

/** The simulation, the planners and HiGHS load only when a simulation runs (every other command starts faster). */
async function simulationModules() {
  const [{ htmlReport }, { loadScenario, simulateScenario }, { defaultSolver }] = await Promise.all([
    import('../../domain/simulation/index.ts'),
    import('../../flows/incident-simulate.ts'),
    import('../../solver/highs.ts'),
  ]);
  return { htmlReport, loadScenario, simulateScenario, defaultSolver };
}

/**
 * `baogong simulate yizhuang-2022|FILE`: runs "no response" and a response over the next days on
 * the same seed, prints the KPI comparison and writes an HTML report with charts. Runs in-process
 * (no server needed). The built-in scenario runs the way `baogong incidents simulate` does (one
 * path, the same figures): the demo network, the incident declared, the plan drafted, then no
 * response, the drafted plan and the scripted 2022 response on the demo's zones. `--file-only`
 * (or a scenario file) runs the file's own zones and its scripted response instead, and says so.
 */
export function registerSimulateCommands(program: Command, _ctx: CliContext): void {
  program
    .command('simulate <scenario>')
    .description(`simulate a scenario: no response vs the response plan (built in: ${BUILT_IN_SCENARIOS.join(', ')}; or a scenario file, see docs/scenario-format.md)`)
    .option('--days <n>', 'days to simulate (default: the scenario’s, else 7)')
    .option('--seed <n>', 'random seed (default: the scenario’s)')
    .option('--out <file>', 'write the HTML report here', 'simulation-report.html')
    .option('--stock <book>', 'ledger (the inventory ledger, default) or fast (typed arrays)', 'ledger')
    .option('--multipliers <essential,key>', 'compare the response plan with these stock multipliers instead of no response, e.g. 3,6')
    .option('--file-only', 'built-in scenario: the scenario file\'s own zones and scripted response, without the demo network\'s drafted plan')
    .option('--apply-after <min>', 'built-in scenario: minutes after the incident starts at which the drafted plan is taken to be applied (default 120)')
    .option('--no-progress', 'no progress bar')
    .action(async (scenario: string, o) => {
      const json = !!program.opts().json;
      const days = o.days === undefined ? undefined : intArg('--days', o.days, 1, 90);
      const seed = o.seed === undefined ? undefined : intArg('--seed', o.seed, 0, 4_294_967_295);
      if (o.stock !== 'ledger' && o.stock !== 'fast') throw new CliError(`--stock must be ledger or fast, got ${JSON.stringify(o.stock)}`, 2);
      if ((BUILT_IN_SCENARIOS as readonly string[]).includes(scenario) && !o.fileOnly && !o.multipliers) {
        const applyAfterMin = o.applyAfter === undefined ? undefined : intArg('--apply-after', o.applyAfter, 0, 10_080);
        await runBuiltInFromDemo(scenario, { days, seed, applyAfterMin, out: o.out, json });
        return;
      }
      const { htmlReport, loadScenario, simulateScenario, defaultSolver } = await simulationModules();
      const loaded = loadScenario(scenario);
      if (!loaded.ok) throw new CliError(describe(loaded.error), exitCodeFor(loaded.error.code) === 1 && loaded.error.code === 'not_found' ? 2 : exitCodeFor(loaded.error.code));
      const bar = o.progress && !json && process.stderr.isTTY !== false ? new cliProgress.SingleBar({ format: ' {run} [{bar}] {percentage}% | day {day}/{days}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
      const totalDays = days ?? loaded.value.file.days ?? 7;
      let which = 'A';
      try {
        let cmp;
        const run = {
          stock: o.stock as 'ledger' | 'fast',
          onRun: (w: 'a' | 'b') => {
            which = w === 'a' ? 'A' : 'B';
            if (bar) {
              if (w === 'b') bar.stop();
              bar.start(100, 0, { run: `${which}`, day: 0, days: totalDays });
            }
          },
          onProgress: (f: number) => bar?.update(Math.round(100 * f), { run: which, day: Math.min(totalDays, Math.floor(f * totalDays)), days: totalDays }),
        };
        if (o.multipliers) {
          const [e, k] = String(o.multipliers).split(',').map((x) => Number(x));
          if (!(e > 0) || !(k > 0)) throw new CliError(`--multipliers must be two positive numbers "essential,key", got ${JSON.stringify(o.multipliers)}`, 2);
          const base = await simulateScenario(loaded.value, { days, seed, solver: defaultSolver }, { ...run, onRun: (w) => (w === 'b' ? run.onRun('a') : undefined) });
          const other = await simulateScenario(loaded.value, { days, seed, solver: defaultSolver, responseCoverDays: { essential: e, key: k } }, { ...run, onRun: (w) => (w === 'b' ? run.onRun('b') : undefined) });
          other.b.policy = `${other.b.policy} (${e}x/${k}x)`;
          base.b.policy = `${base.b.policy} (scenario multipliers)`;
          const { compareSummaries } = await import('../../domain/simulation/index.ts');
          cmp = { a: base.b, b: other.b, rows: compareSummaries(base.b.summary, other.b.summary) };
        } else {
          cmp = await simulateScenario(loaded.value, { days, seed, solver: defaultSolver }, run);
        }
        bar?.stop();
        writeFileArg(o.out, htmlReport(cmp.a, cmp.b, cmp.rows));
        if (json) {
          process.stdout.write(JSON.stringify({ scenario: cmp.a.scenario, seed: cmp.a.seed, days: cmp.a.days, a: { policy: cmp.a.policy, summary: cmp.a.summary }, b: { policy: cmp.b.policy, summary: cmp.b.summary }, comparison: cmp.rows, report: o.out }, null, 2) + '\n');
          return;
        }
        process.stdout.write(`\n${cmp.a.scenario}: ${cmp.a.days} days from ${cmp.a.startDate}, seed ${cmp.a.seed}, ${cmp.a.stats.orders.toLocaleString('en-US')} orders (stock book: ${cmp.a.stock})\n`);
        if ((BUILT_IN_SCENARIOS as readonly string[]).includes(scenario)) {
          process.stdout.write(`the scenario file's own ${loaded.value.file.zones.length} zones and its scripted response, not the drafted plan: \`baogong simulate ${scenario}\` without --file-only plays the drafted plan and the scripted response on the demo network's zones, as \`baogong incidents simulate\` does\n`);
        }
        process.stdout.write('\n');
        const f = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(v < 1 && v > -1 ? 4 : 1));
        process.stdout.write(textTable(['KPI', `A: ${cmp.a.policy}`, `B: ${cmp.b.policy}`, 'B − A', 'better'], cmp.rows.map((r) => [r.kpi, f(r.a), f(r.b), f(r.delta), r.better ?? ''])) + '\n\n');
        process.stdout.write(`wrote ${o.out}\nreproduce with: baogong simulate ${scenario} --seed ${cmp.a.seed} --days ${cmp.a.days} --stock ${cmp.a.stock}\n`);
      } catch (e) {
        bar?.stop();
        if (e instanceof DomainException) throw new CliError(describe(e.error), exitCodeFor(e.error.code));
        throw e;
      }
    });
}

function intArg(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`, 2);
  return n;
}

function describe(e: { message: string; field?: string; expected?: unknown; actual?: unknown; details?: Record<string, unknown> }): string {
  const parts = [`error: ${e.message}`];
  if (e.field !== undefined) parts.push(`  field:    ${e.field}`);
  if (e.expected !== undefined) parts.push(`  expected: ${JSON.stringify(e.expected)}`);
  if (e.actual !== undefined) parts.push(`  actual:   ${JSON.stringify(e.actual)}`);
  const more = (e.details?.errors as Array<{ message: string }> | undefined)?.slice(1) ?? [];
  for (const m of more) parts.push(`  also: ${m.message}`);
  return parts.join('\n');
}

/** The built-in scenario through the incident flow on the demo network: no response, the drafted plan and the scripted 2022 response. */
async function runBuiltInFromDemo(scenario: string, o: { days?: number; seed?: number; applyAfterMin?: number; out: string; json: boolean }): Promise<void> {
  const { simulateBuiltInFromDemo } = await import('../../flows/incident/simulate-demo.ts');
  const { htmlReport, defaultSolver } = await simulationModules();
  let sim;
  try {
    sim = await simulateBuiltInFromDemo({ solver: defaultSolver, days: o.days, seed: o.seed, applyAfterMin: o.applyAfterMin, log: o.json ? undefined : (m) => process.stderr.write(`${m}…\n`) });
  } catch (e) {
    if (e instanceof DomainException) throw new CliError(describe(e.error), exitCodeFor(e.error.code));
    throw e;
  }
  const reports = sim.reports!;
  writeFileArg(o.out, htmlReport(reports.a, reports.b, sim.comparison));
  if (o.json) {
    process.stdout.write(JSON.stringify({ scenario, seed: sim.seed, days: sim.days, startDate: sim.startDate, a: sim.a, b: sim.b, scripted: sim.scripted, comparison: sim.comparison, comparisonScripted: sim.comparisonScripted, report: o.out }, null, 2) + '\n');
    return;
  }
  const scripted = new Map<string, number | null>((sim.comparisonScripted ?? []).map((c) => [c.kpi, c.a]));
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '—' : Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(v < 1 && v > -1 ? 4 : 1));
  process.stdout.write(`\n${scenario} on the demo network: ${sim.days} days from ${sim.startDate}, seed ${sim.seed}; the drafted plan beside no response and the chain's scripted 2022 response (same zones, demand and seed)\n\n`);
  process.stdout.write(textTable(['KPI', `A: ${sim.a.policy}`, `B: ${sim.b.policy}`, 'B − A', 'better', 'scripted 2022'], sim.comparison.map((r) => [r.kpi, f(r.a), f(r.b), f(r.delta), r.better ?? '', f(scripted.get(r.kpi))])) + '\n\n');
  process.stdout.write(`wrote ${o.out}\nreproduce with: baogong simulate ${scenario} --seed ${sim.seed} --days ${sim.days}${o.applyAfterMin !== undefined ? ` --apply-after ${o.applyAfterMin}` : ''} (the same figures as baogong incidents simulate ${scenario} on the demo)\n`);
}
