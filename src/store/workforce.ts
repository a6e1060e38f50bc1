/**
 * The workforce context's tables: staff, staff_roles, staff_unavailability, workforce_sites, workforce_rules,
 * workforce_fixed_needs, staffing_plans, staffing_needs, staffing_assignments. Nodes belong to
 * the network context and are read through its functions only.
 */
import type { Kysely, Selectable } from 'kysely';
import { fail, localTimeMs, operatingDay } from '../domain/shared/index.ts';
import { parseStaffMember, DEFAULT_RATES, DEFAULT_RULES, ROLES, type WorkRates, type Assignment, type Role, type RoleNeed, type Shift, type StaffMember, type StaffingPlanResult, type StaffingProblem, yizhuangDemoStaff } from '../domain/workforce/index.ts';
import { getNode, listNodes } from './network.ts';
import type { DemoStep } from './demo.ts';
import type { DB, StaffingPlansTable, StaffTable, WorkforceSitesTable } from './tables.ts';

type Db = Kysely<DB>;

export interface StaffRecord extends Omit<StaffMember, 'unavailable'> {
  active: boolean;
  unavailable: Array<{ id: number; fromAt: string; toAt: string; reason: string }>;
}

/** A staff record as given by a user (HTTP body, CSV row): parsed by `parseStaffMember`. */
export type StaffInput = Record<string, unknown>;

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

async function rolesOf(db: Db, ids: string[]): Promise<Map<string, Role[]>> {
  const out = new Map<string, Role[]>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('staff_roles').selectAll().where('staff_id', 'in', ids).orderBy('staff_id').orderBy('position').execute();
  for (const r of rows) (out.get(r.staff_id) ?? out.set(r.staff_id, []).get(r.staff_id)!).push(r.role as Role);
  return out;
}

async function unavailabilityOf(db: Db, ids: string[]): Promise<Map<string, StaffRecord['unavailable']>> {
  const out = new Map<string, StaffRecord['unavailable']>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('staff_unavailability').selectAll().where('staff_id', 'in', ids).orderBy('from_at').execute();
  for (const r of rows) (out.get(r.staff_id) ?? out.set(r.staff_id, []).get(r.staff_id)!).push({ id: Number(r.id), fromAt: iso(r.from_at), toAt: iso(r.to_at), reason: r.reason });
  return out;
}

function rowToStaff(r: Selectable<StaffTable>, roles: Role[], unavailable: StaffRecord['unavailable']): StaffRecord {
  return {
    id: r.id,
    name: r.name,
    homeNodeId: r.home_node_id,
    roles,
    skills: typeof r.skills === 'string' ? JSON.parse(r.skills) : r.skills,
    permitStatus: r.permit_status as StaffMember['permitStatus'],
    canLiveOnSite: r.can_live_on_site,
    maxHoursPerDay: r.max_hours_per_day,
    insideNodeId: r.inside_node_id ?? null,
    active: r.active,
    unavailable,
  };
}

export interface StaffFilter {
  homeNodeId?: string;
  role?: string;
  includeInactive?: boolean;
}

export async function listStaff(db: Db, filter: StaffFilter = {}): Promise<StaffRecord[]> {
  let q = db.selectFrom('staff').selectAll().orderBy('id');
  if (filter.homeNodeId) q = q.where('home_node_id', '=', filter.homeNodeId);
  if (!filter.includeInactive) q = q.where('active', '=', true);
  if (filter.role) q = q.where('id', 'in', db.selectFrom('staff_roles').select('staff_id').where('role', '=', filter.role));
  const rows = await q.execute();
  const ids = rows.map((r) => r.id);
  const [roles, un] = await Promise.all([rolesOf(db, ids), unavailabilityOf(db, ids)]);
  return rows.map((r) => rowToStaff(r, roles.get(r.id) ?? [], un.get(r.id) ?? []));
}

export async function getStaff(db: Db, id: string): Promise<StaffRecord | null> {
  const r = await db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  const [roles, un] = await Promise.all([rolesOf(db, [id]), unavailabilityOf(db, [id])]);
  return rowToStaff(r, roles.get(id) ?? [], un.get(id) ?? []);
}

export async function requireStaff(db: Db, id: string, field = 'staffId'): Promise<StaffRecord> {
  const s = await getStaff(db, id);
  if (!s) fail({ code: 'not_found', message: `staff member ${id} does not exist`, field, expected: 'an existing staff id', actual: id });
  return s;
}

/** Parses and checks node references; throws a validation or not_found error naming the field. */
export async function parseStaffInput(db: Db, input: StaffInput, path = ''): Promise<StaffMember> {
  const r = parseStaffMember(input, path);
  if (!r.ok) fail(r.error);
  const at = (f: string) => (path ? `${path}.${f}` : f);
  if (!(await getNode(db, r.value.homeNodeId))) fail({ code: 'not_found', message: `${at('homeNodeId')}: node ${r.value.homeNodeId} does not exist`, field: at('homeNodeId'), expected: 'an existing node id', actual: r.value.homeNodeId });
  if (r.value.insideNodeId && !(await getNode(db, r.value.insideNodeId)))
    fail({ code: 'not_found', message: `${at('insideNodeId')}: node ${r.value.insideNodeId} does not exist`, field: at('insideNodeId'), expected: 'an existing node id', actual: r.value.insideNodeId });
  return r.value;
}

async function writeStaff(db: Db, m: StaffMember, now: Date, exists: boolean): Promise<void> {
  const row = {
    name: m.name,
    home_node_id: m.homeNodeId,
    skills: JSON.stringify(m.skills),
    permit_status: m.permitStatus,
    can_live_on_site: m.canLiveOnSite,
    max_hours_per_day: m.maxHoursPerDay,
    inside_node_id: m.insideNodeId,
    active: true,
    updated_at: now,
  };
  if (exists) await db.updateTable('staff').set(row).where('id', '=', m.id).execute();
  else await db.insertInto('staff').values({ id: m.id, ...row, created_at: now }).execute();
  await db.deleteFrom('staff_roles').where('staff_id', '=', m.id).execute();
  await db.insertInto('staff_roles').values(m.roles.map((role, position) => ({ staff_id: m.id, role, position }))).execute();
}

export async function createStaff(db: Db, m: StaffMember, now: Date): Promise<StaffRecord> {
  if (await db.selectFrom('staff').select('id').where('id', '=', m.id).executeTakeFirst())
    fail({ code: 'duplicate', message: `staff member ${m.id} already exists`, field: 'id', expected: 'a new staff id', actual: m.id });
  await writeStaff(db, m, now, false);
  return (await getStaff(db, m.id))!;
}

/** Creates or replaces staff records (roles included) in batches; returns how many of each. */
export async function upsertStaff(db: Db, members: StaffMember[], now: Date): Promise<{ created: number; updated: number }> {
  const existing = new Set<string>();
  for (let i = 0; i < members.length; i += 500) {
    const ids = members.slice(i, i + 500).map((m) => m.id);
    for (const r of await db.selectFrom('staff').select('id').where('id', 'in', ids).execute()) existing.add(r.id as string);
  }
  for (let i = 0; i < members.length; i += 500) {
    const chunk = members.slice(i, i + 500);
    const rows = chunk.map((m) => ({
      id: m.id,
      name: m.name,
      home_node_id: m.homeNodeId,
      skills: JSON.stringify(m.skills),
      permit_status: m.permitStatus,
      can_live_on_site: m.canLiveOnSite,
      max_hours_per_day: m.maxHoursPerDay,
      inside_node_id: m.insideNodeId,
      active: true,
      created_at: now,
      updated_at: now,
    }));
    await db
      .insertInto('staff')
      .values(rows)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          home_node_id: eb.ref('excluded.home_node_id'),
          skills: eb.ref('excluded.skills'),
          permit_status: eb.ref('excluded.permit_status'),
          can_live_on_site: eb.ref('excluded.can_live_on_site'),
          max_hours_per_day: eb.ref('excluded.max_hours_per_day'),
          inside_node_id: eb.ref('excluded.inside_node_id'),
          active: eb.ref('excluded.active'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    await db.deleteFrom('staff_roles').where('staff_id', 'in', chunk.map((m) => m.id)).execute();
    await db.insertInto('staff_roles').values(chunk.flatMap((m) => m.roles.map((role, position) => ({ staff_id: m.id, role, position })))).execute();
  }
  return { created: members.filter((m) => !existing.has(m.id)).length, updated: members.filter((m) => existing.has(m.id)).length };
}

export async function updateStaff(db: Db, id: string, patch: StaffInput, now: Date): Promise<StaffRecord> {
  const cur = await requireStaff(db, id, 'id');
  const { active: _a, unavailable: _u, ...base } = cur;
  const merged = await parseStaffInput(db, { ...base, ...patch, id });
  await writeStaff(db, merged, now, true);
  return (await getStaff(db, id))!;
}

/** Staff are never deleted (plans refer to them): they are made inactive. */
export async function deactivateStaff(db: Db, id: string, now: Date): Promise<StaffRecord> {
  await requireStaff(db, id, 'id');
  await db.updateTable('staff').set({ active: false, updated_at: now }).where('id', '=', id).execute();
  return (await getStaff(db, id))!;
}

export async function addUnavailability(db: Db, staffId: string, fromAt: Date, toAt: Date, reason: string): Promise<StaffRecord> {
  await requireStaff(db, staffId, 'id');
  if (!(toAt.getTime() > fromAt.getTime())) fail({ code: 'validation_failed', message: `toAt must be after fromAt (${fromAt.toISOString()})`, field: 'toAt', expected: `after ${fromAt.toISOString()}`, actual: toAt.toISOString() });
  await db.insertInto('staff_unavailability').values({ staff_id: staffId, from_at: fromAt, to_at: toAt, reason }).execute();
  return (await getStaff(db, staffId))!;
}

// ---- staffing rules the user sets ----

/** The rules a user sets for every roster (the rest are per request); defaults: DEFAULT_RULES. */
export interface StoredStaffingRules {
  /** Minimum rest between two shifts of one person, minutes (default 480). */
  minRestMin: number;
  /** Hours a day live-in staff may work inside their closed loop (default 16; 0: their own limit). */
  liveInMaxHoursPerDay: number;
}

export async function getStaffingRules(db: Db): Promise<StoredStaffingRules> {
  const r = await db.selectFrom('workforce_rules').selectAll().where('id', '=', 1).executeTakeFirst();
  return r ? { minRestMin: r.min_rest_min, liveInMaxHoursPerDay: r.live_in_max_hours_per_day } : { minRestMin: DEFAULT_RULES.minRestMin, liveInMaxHoursPerDay: DEFAULT_RULES.liveInMaxHoursPerDay };
}

/** Sets the rules; a bad value is refused naming the field, and nothing changes. */
export async function putStaffingRules(db: Db, r: StoredStaffingRules, now: Date): Promise<StoredStaffingRules> {
  const check = (field: keyof StoredStaffingRules, max: number, unit: string) => {
    const v = r[field];
    if (!Number.isInteger(v) || v < 0 || v > max) fail({ code: 'validation_failed', message: `${field}: expected an integer 0..${max} (${unit}), got ${JSON.stringify(v)}`, field, expected: `an integer 0..${max} (${unit})`, actual: v });
  };
  check('minRestMin', 2880, 'minutes');
  check('liveInMaxHoursPerDay', 24, 'hours');
  const row = { min_rest_min: r.minRestMin, live_in_max_hours_per_day: r.liveInMaxHoursPerDay, updated_at: now };
  await db.insertInto('workforce_rules').values({ id: 1, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  return getStaffingRules(db);
}

// ---- node settings and fixed needs ----

export interface SiteSettings {
  nodeId: string;
  controlled: boolean;
  minStaffPerShift: number;
  /** Closed loop from this calendar day (YYYY-MM-DD, the plan's time zone is UTC) for `closedLoopDays`. */
  closedLoopFrom: string | null;
  closedLoopDays: number | null;
  /** Weight of an unmet minute here against one elsewhere (1..100). */
  priority: number;
}

function rowToSite(r: Selectable<WorkforceSitesTable>): SiteSettings {
  const from = r.closed_loop_from;
  return {
    nodeId: r.node_id,
    controlled: r.controlled,
    minStaffPerShift: r.min_staff_per_shift,
    closedLoopFrom: from ?? null,
    closedLoopDays: r.closed_loop_days ?? null,
    priority: r.priority ?? 1,
  };
}

export async function listSiteSettings(db: Db): Promise<SiteSettings[]> {
  return (await db.selectFrom('workforce_sites').selectAll().orderBy('node_id').execute()).map(rowToSite);
}

export async function putSiteSettings(db: Db, s: SiteSettings, now: Date): Promise<SiteSettings> {
  if (!(await getNode(db, s.nodeId))) fail({ code: 'not_found', message: `node ${s.nodeId} does not exist`, field: 'nodeId', expected: 'an existing node id', actual: s.nodeId });
  if ((s.closedLoopFrom === null) !== (s.closedLoopDays === null))
    fail({ code: 'validation_failed', message: 'closedLoopFrom and closedLoopDays go together', field: 'closedLoopDays', expected: 'both set or both null', actual: { closedLoopFrom: s.closedLoopFrom, closedLoopDays: s.closedLoopDays } });
  const row = { controlled: s.controlled, min_staff_per_shift: s.minStaffPerShift, closed_loop_from: s.closedLoopFrom, closed_loop_days: s.closedLoopDays, priority: s.priority ?? 1, updated_at: now };
  await db.insertInto('workforce_sites').values({ node_id: s.nodeId, ...row }).onConflict((oc) => oc.column('node_id').doUpdateSet(row)).execute();
  return rowToSite(await db.selectFrom('workforce_sites').selectAll().where('node_id', '=', s.nodeId).executeTakeFirstOrThrow());
}

export interface FixedNeed {
  nodeId: string;
  role: Role;
  /** '*' for every shift, or a shift label ('early', 'late', 'night', 'day'). */
  shiftLabel: string;
  headcount: number;
}

export async function listFixedNeeds(db: Db, nodeId?: string): Promise<FixedNeed[]> {
  let q = db.selectFrom('workforce_fixed_needs').selectAll().orderBy('node_id').orderBy('role').orderBy('shift_label');
  if (nodeId) q = q.where('node_id', '=', nodeId);
  return (await q.execute()).map((r) => ({ nodeId: r.node_id, role: r.role as Role, shiftLabel: r.shift_label, headcount: r.headcount }));
}

/** Replaces the fixed needs of the nodes named in `needs` (a node not named keeps its own). */
export async function replaceFixedNeeds(db: Db, needs: FixedNeed[]): Promise<number> {
  const nodeIds = [...new Set(needs.map((n) => n.nodeId))];
  for (let i = 0; i < needs.length; i++) {
    if (!(await getNode(db, needs[i].nodeId))) fail({ code: 'not_found', message: `needs.${i}.nodeId: node ${needs[i].nodeId} does not exist`, field: `needs.${i}.nodeId`, expected: 'an existing node id', actual: needs[i].nodeId });
  }
  if (nodeIds.length > 0) await db.deleteFrom('workforce_fixed_needs').where('node_id', 'in', nodeIds).execute();
  const rows = needs.filter((n) => n.headcount > 0).map((n) => ({ node_id: n.nodeId, role: n.role, shift_label: n.shiftLabel, headcount: n.headcount }));
  if (rows.length > 0) await db.insertInto('workforce_fixed_needs').values(rows).onConflict((oc) => oc.columns(['node_id', 'role', 'shift_label']).doUpdateSet((eb) => ({ headcount: eb.ref('excluded.headcount') }))).execute();
  return rows.length;
}

/** Every non-supplier node with its workforce settings: the sites a plan can use. */
export async function planNodes(db: Db) {
  const [nodes, settings] = await Promise.all([listNodes(db), listSiteSettings(db)]);
  const byNode = new Map(settings.map((s) => [s.nodeId, s]));
  return nodes
    .filter((n) => n.kind !== 'supplier')
    .map((n) => {
      const s = byNode.get(n.id);
      return {
        id: n.id,
        name: n.nameZh,
        lat: n.lat,
        lng: n.lng,
        status: n.status,
        dailyOrderCapacity: n.dailyOrderCapacity,
        controlled: s?.controlled ?? false,
        minStaffPerShift: s?.minStaffPerShift ?? 0,
        priority: s?.priority ?? 1,
        // closedLoopFrom is an operating day (Beijing): its start is local midnight, not UTC's.
        closedLoopFromMs: s?.closedLoopFrom ? localTimeMs(s.closedLoopFrom, 0) : null,
        closedLoopDays: s?.closedLoopDays ?? null,
      };
    });
}

// ---- plans ----

export interface StoredPlan {
  id: string;
  status: 'draft' | 'applied' | 'superseded';
  startsAt: string;
  endsAt: string;
  createdAt: string;
  appliedAt: string | null;
  method: string;
  solver: StaffingPlanResult['solver'];
  review: StaffingPlanResult['review'];
  notes: string[];
  shifts: Array<Shift & { startsAt: string; endsAt: string }>;
  sites: StaffingProblem['sites'];
  rules: StaffingProblem['rules'];
  rates: WorkRates;
}

const parseJson = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function rowToPlan(r: Selectable<StaffingPlansTable>): StoredPlan {
  const problem = parseJson(r.problem) as { shifts: StoredPlan['shifts']; sites: StoredPlan['sites']; rules: StoredPlan['rules']; rates?: WorkRates };
  return {
    id: r.id,
    status: r.status as StoredPlan['status'],
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    createdAt: iso(r.created_at),
    appliedAt: r.applied_at ? iso(r.applied_at) : null,
    method: r.method,
    solver: parseJson(r.solver),
    review: parseJson(r.review),
    notes: parseJson(r.notes),
    shifts: problem.shifts,
    sites: problem.sites,
    rules: problem.rules,
    rates: problem.rates ?? DEFAULT_RATES,
  };
}

export async function insertPlan(
  db: Db,
  id: string,
  startsAt: Date,
  problem: StaffingProblem,
  result: StaffingPlanResult,
  now: Date,
  rates: WorkRates = DEFAULT_RATES,
): Promise<StoredPlan> {
  const startMs = startsAt.getTime();
  const at = (min: number) => new Date(startMs + min * 60_000);
  const shifts = problem.shifts.map((s) => ({ ...s, startsAt: at(s.startMin).toISOString(), endsAt: at(s.startMin + s.durationMin).toISOString() }));
  const end = Math.max(...problem.shifts.map((s) => s.startMin + s.durationMin));
  await db
    .insertInto('staffing_plans')
    .values({
      id,
      status: 'draft',
      starts_at: startsAt,
      ends_at: at(end),
      problem: JSON.stringify({ shifts, sites: problem.sites, rules: problem.rules ?? {}, rates }),
      method: result.method,
      solver: JSON.stringify(result.solver),
      review: JSON.stringify(result.review),
      notes: JSON.stringify(result.notes),
      created_at: now,
    })
    .execute();
  const needRows = problem.needs.map((n) => ({ plan_id: id, node_id: n.siteId, shift_id: n.shiftId, role: n.role, required_min: n.requiredMin, source: n.source }));
  for (let i = 0; i < needRows.length; i += 500) await db.insertInto('staffing_needs').values(needRows.slice(i, i + 500)).execute();
  const byShift = new Map(shifts.map((s) => [s.id, s]));
  const rows = result.assignments.map((a) => ({
    plan_id: id,
    staff_id: a.staffId,
    node_id: a.siteId,
    shift_id: a.shiftId,
    role: a.role,
    tasks: JSON.stringify(a.tasks ?? []),
    starts_at: new Date(byShift.get(a.shiftId)!.startsAt),
    ends_at: new Date(byShift.get(a.shiftId)!.endsAt),
  }));
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('staffing_assignments').values(rows.slice(i, i + 500)).execute();
  return (await getPlan(db, id))!;
}

export async function getPlan(db: Db, id: string): Promise<StoredPlan | null> {
  const r = await db.selectFrom('staffing_plans').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? rowToPlan(r) : null;
}

export async function requirePlan(db: Db, id: string, field = 'id'): Promise<StoredPlan> {
  const p = await getPlan(db, id);
  if (!p) fail({ code: 'not_found', message: `staffing plan ${id} does not exist`, field, expected: 'an existing plan id', actual: id });
  return p;
}

export async function listPlans(db: Db, status?: string): Promise<StoredPlan[]> {
  let q = db.selectFrom('staffing_plans').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (status) q = q.where('status', '=', status);
  return (await q.execute()).map(rowToPlan);
}

export interface StoredAssignment extends Assignment {
  startsAt: string;
  endsAt: string;
}

export async function planAssignments(db: Db, planId: string, filter: { staffId?: string; nodeId?: string } = {}): Promise<StoredAssignment[]> {
  let q = db.selectFrom('staffing_assignments').selectAll().where('plan_id', '=', planId).orderBy('starts_at').orderBy('node_id').orderBy('role').orderBy('staff_id');
  if (filter.staffId) q = q.where('staff_id', '=', filter.staffId);
  if (filter.nodeId) q = q.where('node_id', '=', filter.nodeId);
  return (await q.execute()).map((r) => ({
    staffId: r.staff_id,
    siteId: r.node_id,
    shiftId: r.shift_id,
    role: r.role as Role,
    tasks: parseJson(r.tasks),
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
  }));
}

export async function planNeeds(db: Db, planId: string): Promise<RoleNeed[]> {
  return (await db.selectFrom('staffing_needs').selectAll().where('plan_id', '=', planId).execute()).map((r) => ({
    siteId: r.node_id,
    shiftId: r.shift_id,
    role: r.role as Role,
    requiredMin: r.required_min,
    source: r.source as RoleNeed['source'],
  }));
}

/**
 * Applies a draft plan: it becomes the roster people follow. Applied plans whose horizon
 * overlaps it are superseded (there is one roster at a time). Applying twice is a conflict.
 */
export async function applyPlan(db: Db, id: string, now: Date): Promise<StoredPlan> {
  const locked = await db.selectFrom('staffing_plans').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!locked) fail({ code: 'not_found', message: `staffing plan ${id} does not exist`, field: 'id', expected: 'an existing plan id', actual: id });
  if (locked.status !== 'draft') fail({ code: 'conflict', message: `staffing plan ${id} is ${locked.status}; only a draft can be applied`, field: 'status', expected: 'draft', actual: locked.status });
  await db
    .updateTable('staffing_plans')
    .set({ status: 'superseded' })
    .where('status', '=', 'applied')
    .where('starts_at', '<', locked.ends_at)
    .where('ends_at', '>', locked.starts_at)
    .execute();
  await db.updateTable('staffing_plans').set({ status: 'applied', applied_at: now }).where('id', '=', id).execute();
  return (await getPlan(db, id))!;
}

/** Ids of the applied plans whose horizon overlaps [startsAt, endsAt): what applying a plan there supersedes. */
export async function appliedOverlapping(db: Db, startsAt: string, endsAt: string): Promise<string[]> {
  const rows = await db.selectFrom('staffing_plans').select('id').where('status', '=', 'applied').where('starts_at', '<', new Date(endsAt)).where('ends_at', '>', new Date(startsAt)).orderBy('id').execute();
  return rows.map((r) => r.id as string);
}

/**
 * Undoes `applyPlan`: the plan goes back to draft (an incident's compensation) or is superseded
 * (an incident lifted), and the plans it superseded (`restoreIds`, read with `appliedOverlapping`
 * before applying) are applied again.
 */
export async function unapplyPlan(db: Db, id: string, restoreIds: string[], status: 'draft' | 'superseded' = 'draft'): Promise<void> {
  await db.updateTable('staffing_plans').set(status === 'draft' ? { status, applied_at: null } : { status }).where('id', '=', id).where('status', '=', 'applied').execute();
  if (restoreIds.length > 0) await db.updateTable('staffing_plans').set({ status: 'applied' }).where('id', 'in', restoreIds).where('status', '=', 'superseded').execute();
}

/** The applied plan covering `at`, else the latest applied one, else null. */
export async function currentPlan(db: Db, at: Date): Promise<StoredPlan | null> {
  const covering = await db.selectFrom('staffing_plans').selectAll().where('status', '=', 'applied').where('starts_at', '<=', at).where('ends_at', '>', at).orderBy('applied_at', 'desc').executeTakeFirst();
  if (covering) return rowToPlan(covering);
  const latest = await db.selectFrom('staffing_plans').selectAll().where('status', '=', 'applied').orderBy('applied_at', 'desc').executeTakeFirst();
  return latest ? rowToPlan(latest) : null;
}

// ---- demo ----

/**
 * Demo staff and settings for the Yizhuang scenario: ~330 people (see domain/workforce/demo.ts),
 * the Dazu Plaza store controlled and closed-loop for three days from the demo day, a minimum
 * of 2 people per shift at the stores that lend staff, and fixed needs for the logistics
 * centre's drivers and receivers (33 cold-chain trips over 2-3 days).
 */
export async function loadWorkforceDemo(db: Db, now: Date): Promise<{ staff: number }> {
  const nodes = new Set((await listNodes(db)).map((n) => n.id));
  const staff = yizhuangDemoStaff().filter((s) => nodes.has(s.homeNodeId));
  await upsertStaff(db, staff, now);
  const day = operatingDay(now.getTime());
  const settings: SiteSettings[] = [
    { nodeId: 'dazu-plaza', controlled: true, minStaffPerShift: 0, closedLoopFrom: day, closedLoopDays: 3, priority: 3 },
    ...['yicheng-jingyuan', 'fengtai-dayue', 'fengtai-wannian', 'taihe-plaza', 'yz-satellite'].map((nodeId) => ({ nodeId, controlled: false, minStaffPerShift: 2, closedLoopFrom: null, closedLoopDays: null, priority: 1 })),
  ];
  for (const s of settings) if (nodes.has(s.nodeId)) await putSiteSettings(db, s, now);
  const fixed: FixedNeed[] = [
    { nodeId: 'plc-south', role: 'driver', shiftLabel: 'early', headcount: 12 },
    { nodeId: 'plc-south', role: 'driver', shiftLabel: 'late', headcount: 8 },
    { nodeId: 'plc-south', role: 'receiver', shiftLabel: '*', headcount: 4 },
    { nodeId: 'plc-south', role: 'picker', shiftLabel: 'night', headcount: 6 },
    { nodeId: 'plc-south', role: 'manager', shiftLabel: '*', headcount: 1 },
    { nodeId: 'south-dc', role: 'receiver', shiftLabel: '*', headcount: 3 },
  ].filter((f) => nodes.has(f.nodeId)) as FixedNeed[];
  await replaceFixedNeeds(db, fixed);
  return { staff: staff.length };
}

/** The demo loader's step for this context (src/store/demo.ts lists it). */
export const workforceDemoStep: DemoStep = {
  name: 'staff (~330 people, closed-loop volunteers, logistics crew)',
  run: async (db, ctx) => {
    await loadWorkforceDemo(db, ctx.now);
  },
};

export { ROLES };
