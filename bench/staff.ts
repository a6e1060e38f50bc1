/**
 * Benchmark `staff`: plan time for a roster of 200 people × 10 sites × 9 shifts (3 days of
 * three 8-hour shifts), one site closed-loop with a minimum staffing at every site.
 * Headline: plan200x10x9Sec (wall time of planStaffing, model build + HiGHS + review) and
 * unmetRoleHours (what the people cannot cover; the instance is sized to be a little short).
 * `--full` adds 400 people × 20 sites.
 */
import { seededRandom, unwrap } from '../src/domain/shared/index.ts';
import { deriveNeeds, planStaffing, shiftGrid, ROLES, type Role, type Site, type StaffMember, type StaffingProblem } from '../src/domain/workforce/index.ts';
import { defaultSolver } from '../src/solver/highs.ts';

export function syntheticStaffProblem(people: number, siteCount: number, days: number, seed = 7): StaffingProblem {
  const rnd = seededRandom(seed);
  const shifts = unwrap(shiftGrid({ days, shiftsPerDay: 3 }));
  const sites: Site[] = Array.from({ length: siteCount }, (_, i) => ({
    id: `site-${i + 1}`,
    lat: 39.74 + rnd.next() * 0.1,
    lng: 116.45 + rnd.next() * 0.15,
    controlled: i === 0,
    closedLoop: i === 0 ? { startDay: 0, days } : null,
    minStaffPerShift: i === 0 ? 0 : 1,
  }));
  const mixes: Role[][] = [['picker', 'packer'], ['picker', 'rider'], ['packer'], ['receiver', 'shelver'], ['rider'], ['rider'], ['manager', 'picker'], ['driver']];
  const staff: StaffMember[] = Array.from({ length: people }, (_, i) => {
    const home = 1 + (i % (siteCount - 1)); // nobody lives at the closed-loop site at the start
    return {
      id: `p-${String(i + 1).padStart(4, '0')}`,
      name: `Person ${i + 1}`,
      homeNodeId: sites[home].id,
      roles: mixes[rnd.int(mixes.length)],
      skills: [],
      permitStatus: rnd.next() < 0.7 ? 'cleared' : 'pending',
      canLiveOnSite: rnd.next() < 0.3,
      maxHoursPerDay: 12,
      unavailable: rnd.next() < 0.1 ? [{ fromMin: 1440, toMin: 2880 }] : [],
      insideNodeId: null,
    };
  });
  const byId = new Map(shifts.map((s) => [s.id, s.durationMin]));
  const loads = sites.flatMap((s, i) =>
    shifts.map((t, k) => ({
      siteId: s.id,
      shiftId: t.id,
      // Night shifts are quiet; the closed-loop site has the most orders.
      orders: k % 3 === 2 ? 10 + rnd.int(20) : (i === 0 ? 100 : 30) + rnd.int(30),
      inboundUnits: k % 3 === 2 ? 800 + rnd.int(800) : rnd.int(400),
    })),
  );
  const manual = sites.map((s, i) => ({ siteId: s.id, shiftId: shifts[i % shifts.length].id, role: 'driver' as Role, headcount: 1 + (i % 2) }));
  const needs = unwrap(deriveNeeds(loads, manual, (id) => byId.get(id), undefined));
  void ROLES;
  return { staff, sites, shifts, needs };
}

async function measure(people: number, sites: number, days: number) {
  const problem = syntheticStaffProblem(people, sites, days);
  const t0 = performance.now();
  const r = unwrap(await planStaffing(problem, { solver: defaultSolver }));
  const sec = (performance.now() - t0) / 1000;
  return { sec, r };
}

export async function run(args: string[]): Promise<Record<string, number>> {
  const cases: Array<[number, number, number]> = [[200, 10, 3]];
  if (args.includes('--full')) cases.push([400, 20, 3]);
  const rows: string[] = [];
  let head: Record<string, number> = {};
  for (const [p, n, d] of cases) {
    const { sec, r } = await measure(p, n, d);
    const t = r.review.totals;
    rows.push(
      `${`${p}x${n}x${d * 3}`.padEnd(12)} ${sec.toFixed(2).padStart(7)} s  ${r.method.padEnd(6)} ${r.solver.status.padEnd(9)} gap ${String(r.solver.gapPct?.toFixed(2) ?? '-').padStart(5)}%  vars ${String(r.size.variables).padStart(6)}  rows ${String(r.size.rows).padStart(6)}  need ${(t.requiredMin / 60).toFixed(0).padStart(5)} h  unmet ${t.unmetRoleHours.toFixed(1).padStart(6)} h  assignments ${t.assignments}  over-hours ${r.review.overHours.length}  violations ${r.review.violations.length}`,
    );
    if (p === 200) head = { plan200x10x9Sec: Math.round(sec * 100) / 100, unmetRoleHours: t.unmetRoleHours };
    else head[`plan${p}x${n}x${d * 3}Sec`] = Math.round(sec * 100) / 100;
  }
  console.log('staff: roster MIP (HiGHS), people x sites x shifts');
  for (const r of rows) console.log(r);
  return head;
}
