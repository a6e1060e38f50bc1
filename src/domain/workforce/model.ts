/**
 * The workforce model: staff, the sites they work at, shifts, needs and assignments.
 *
 * Everything here is plain data. Times inside a plan are whole minutes from the plan's start
 * (`startMin`), so the domain never reads a clock; the store converts to and from timestamps.
 * Work is counted in person-minutes (`requiredMin`, `coveredMin`); reports also give hours.
 */
import { err, ok, type DomainError, type Result } from '../shared/index.ts';

/** What a person can be put to work as. One role per assignment. */
export const ROLES = ['picker', 'packer', 'receiver', 'shelver', 'driver', 'rider', 'manager'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Health / permit status: `cleared` may enter a controlled area (and a closed-loop site);
 * `pending` and `not_cleared` may not.
 */
export const PERMIT_STATUSES = ['cleared', 'pending', 'not_cleared'] as const;
export type PermitStatus = (typeof PERMIT_STATUSES)[number];

/** A window in which a person cannot work, in minutes from the plan start, [fromMin, toMin). */
export interface Unavailability {
  fromMin: number;
  toMin: number;
}

export interface StaffMember {
  id: string;
  name: string;
  /** The node the person normally works at (a network node id). */
  homeNodeId: string;
  roles: Role[];
  /** Free-form skills (e.g. 'forklift', 'cold-chain'); informative only for now. */
  skills: string[];
  permitStatus: PermitStatus;
  /** Whether the person can live on site (closed-loop operation, 闭环). */
  canLiveOnSite: boolean;
  /** Maximum working hours in one calendar day of the plan. */
  maxHoursPerDay: number;
  /** Windows in which the person cannot work (leave, quarantine, another duty). */
  unavailable: Unavailability[];
  /** The site the person is already living in (closed loop), or null. */
  insideNodeId: string | null;
}

/** A node as the workforce context sees it. */
export interface Site {
  id: string;
  name?: string;
  lat: number;
  lng: number;
  /** Inside a controlled area: only people with permit status `cleared` may work here. */
  controlled: boolean;
  /**
   * Closed-loop operation for whole plan days [startDay, startDay + days): whoever works here in
   * that period lives here for all of it and works nowhere else.
   */
  closedLoop: { startDay: number; days: number } | null;
  /** Headcount the site must keep in every shift (its own minimum staffing), any role. */
  minStaffPerShift: number;
  /**
   * How much an unmet minute here weighs against one elsewhere (1..100, default 1). When
   * everyone is short, a priority site (the store reopening for a locked-down area) is
   * staffed first instead of each person staying at home.
   */
  priority?: number;
  /**
   * Whether people from elsewhere may be rostered here (default true). False for a site that only
   * lends (an incident's unaffected node): it runs on its own people and lends beyond its minimum.
   */
  takesBorrowed?: boolean;
}

export interface Shift {
  id: string;
  /** Minutes from the plan start. */
  startMin: number;
  durationMin: number;
  /**
   * A long shift laid over the grid (a 12-hour day over two 8-hour shifts): it carries no needs
   * of its own, and the minutes it overlaps each of these shifts count toward their needs (and
   * its people toward their headcount). Absent for an ordinary shift, which covers itself only.
   */
  covers?: string[];
}

/** Person-minutes of one role wanted at one site in one shift. */
export interface RoleNeed {
  siteId: string;
  shiftId: string;
  role: Role;
  requiredMin: number;
  /** Where the need came from: derived from expected orders / inbound units, or entered by hand. */
  source: 'orders' | 'manual';
}

/** Minutes of one role inside an assignment. */
export interface Task {
  role: Role;
  minutes: number;
}

/**
 * A person at a site for a whole shift. `role` is the main role; `tasks` splits the shift's
 * minutes between the roles the person holds (a packer who also receives the night delivery).
 * Without `tasks`, the whole shift counts for `role`.
 */
export interface Assignment {
  staffId: string;
  siteId: string;
  shiftId: string;
  role: Role;
  tasks?: Task[];
}

/** The tasks of an assignment, defaulting to the whole shift in its main role. */
export function tasksOf(a: Assignment, durationMin: number): Task[] {
  return a.tasks && a.tasks.length > 0 ? a.tasks : [{ role: a.role, minutes: durationMin }];
}

/** Rules of a plan; every field has a documented default (see `DEFAULT_RULES`). */
export interface StaffingRules {
  /** Minimum rest between the end of one shift and the start of the next, minutes. */
  minRestMin: number;
  /**
   * Hours a day a person who lives on site may work inside a closed loop (闭环): the seed's
   * live-in staff worked 14+ hours. It applies on a day whose shifts all fall in the loop of
   * the site the person lives in; elsewhere the person's own `maxHoursPerDay` holds. The
   * minimum rest between shifts still applies. Set it to 0 to give live-in staff no longer days.
   */
  liveInMaxHoursPerDay: number;
  /** A person is only considered for sites within this distance of where they are. */
  maxTravelM: number;
  /** ... and only for this many nearest such sites (plus their home and the site they are inside). */
  maxCandidateSites: number;
  /** Cost units per assignment (keeps the roster lean: no one is rostered for nothing). */
  assignmentCost: number;
  /** Cost units for working away from home once (per shift, or once for a closed-loop stay). */
  borrowCost: number;
  /** Cost units per kilometre between where a person is and the site. */
  costPerKm: number;
  /** Cost units per unmet person-minute. Far above any travel cost: needs come first. */
  unmetCostPerMin: number;
  /** Cost units per missing head under a site's minimum staffing. Above unmet needs. */
  minStaffShortCost: number;
  /** Solver limits. */
  timeLimitS: number;
  mipRelGap: number;
}

export const DEFAULT_RULES: StaffingRules = {
  minRestMin: 8 * 60,
  liveInMaxHoursPerDay: 16,
  maxTravelM: 60_000,
  maxCandidateSites: 5,
  assignmentCost: 1,
  borrowCost: 5,
  costPerKm: 1,
  unmetCostPerMin: 10,
  minStaffShortCost: 100_000,
  timeLimitS: 30,
  mipRelGap: 0.01,
};

export interface StaffingProblem {
  staff: StaffMember[];
  sites: Site[];
  shifts: Shift[];
  needs: RoleNeed[];
  rules?: Partial<StaffingRules>;
}

export interface UnmetNeed {
  siteId: string;
  shiftId: string;
  role: Role;
  requiredMin: number;
  coveredMin: number;
  unmetMin: number;
}

export interface OverHours {
  staffId: string;
  day: number;
  workedMin: number;
  maxMin: number;
}

export interface RosterViolation {
  kind: 'rest' | 'double_booked' | 'closed_loop' | 'permit' | 'role' | 'unavailable' | 'unknown_ref' | 'borrowed';
  staffId: string;
  message: string;
}

export interface MinStaffShortfall {
  siteId: string;
  shiftId: string;
  required: number;
  assigned: number;
}

/** What a roster gives and where it falls short; computed the same way for any roster. */
export interface RosterReview {
  unmet: UnmetNeed[];
  /** Unmet hours by role and shift, the shortfall as the issue asks for it. */
  shortfallByRoleShift: Array<{ role: Role; shiftId: string; unmetMin: number }>;
  overHours: OverHours[];
  minStaffShortfalls: MinStaffShortfall[];
  violations: RosterViolation[];
  totals: {
    requiredMin: number;
    coveredMin: number;
    unmetMin: number;
    unmetRoleHours: number;
    assignments: number;
    peopleRostered: number;
    peopleBorrowed: number;
  };
}

export interface StaffingPlanResult {
  /** `mip` when HiGHS gave the roster; `greedy` when the MIP found nothing better, failed, or was not asked for (see notes). */
  method: 'mip' | 'greedy';
  solver: { status: string; solveTimeS: number; gapPct: number | null; message?: string };
  assignments: Assignment[];
  review: RosterReview;
  notes: string[];
  size: { variables: number; rows: number };
}

// ---------------------------------------------------------------------------------------------
// Parsing: every input that crosses a boundary becomes a typed value here, or an error naming
// the field, the expected and the actual value.

type Json = Record<string, unknown>;

function bad(field: string, expected: string, actual: unknown, message?: string): DomainError {
  return {
    code: 'validation_failed',
    message: message ?? `${field}: expected ${expected}, got ${JSON.stringify(actual)}`,
    field,
    expected,
    actual,
  };
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

function isInt(v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/**
 * Parses one staff record. Defaults: skills [], permit `pending`, cannot live on site,
 * 12 hours a day, always available, not inside any site.
 */
export function parseStaffMember(input: unknown, path = ''): Result<StaffMember> {
  const at = (f: string) => (path ? `${path}.${f}` : f);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return err(bad(path || 'staff', 'an object', input));
  const o = input as Json;
  if (!isNonEmptyString(o.id)) return err(bad(at('id'), 'a non-empty string', o.id));
  const name = o.name ?? o.id;
  if (!isNonEmptyString(name)) return err(bad(at('name'), 'a non-empty string', o.name));
  if (!isNonEmptyString(o.homeNodeId)) return err(bad(at('homeNodeId'), 'a node id', o.homeNodeId));
  if (!Array.isArray(o.roles) || o.roles.length === 0) return err(bad(at('roles'), `a non-empty list of ${ROLES.join('|')}`, o.roles));
  for (let i = 0; i < o.roles.length; i++) {
    if (!isRole(o.roles[i])) return err(bad(at(`roles.${i}`), ROLES.join('|'), o.roles[i]));
  }
  const skills = o.skills ?? [];
  if (!Array.isArray(skills) || !skills.every(isNonEmptyString)) return err(bad(at('skills'), 'a list of strings', o.skills));
  const permitStatus = o.permitStatus ?? 'pending';
  if (!(PERMIT_STATUSES as readonly unknown[]).includes(permitStatus))
    return err(bad(at('permitStatus'), PERMIT_STATUSES.join('|'), o.permitStatus));
  const canLiveOnSite = o.canLiveOnSite ?? false;
  if (typeof canLiveOnSite !== 'boolean') return err(bad(at('canLiveOnSite'), 'a boolean', o.canLiveOnSite));
  const maxHoursPerDay = o.maxHoursPerDay ?? 12;
  if (!isInt(maxHoursPerDay, 1, 24)) return err(bad(at('maxHoursPerDay'), 'an integer 1..24', o.maxHoursPerDay));
  const unavailable = o.unavailable ?? [];
  if (!Array.isArray(unavailable)) return err(bad(at('unavailable'), 'a list of {fromMin, toMin}', o.unavailable));
  const windows: Unavailability[] = [];
  for (let i = 0; i < unavailable.length; i++) {
    const w = unavailable[i] as Json;
    if (typeof w !== 'object' || w === null) return err(bad(at(`unavailable.${i}`), '{fromMin, toMin}', w));
    if (!isInt(w.fromMin, Number.MIN_SAFE_INTEGER)) return err(bad(at(`unavailable.${i}.fromMin`), 'an integer', w.fromMin));
    if (!isInt(w.toMin, Number.MIN_SAFE_INTEGER) || (w.toMin as number) <= (w.fromMin as number))
      return err(bad(at(`unavailable.${i}.toMin`), `an integer > fromMin (${w.fromMin})`, w.toMin));
    windows.push({ fromMin: w.fromMin as number, toMin: w.toMin as number });
  }
  const insideNodeId = o.insideNodeId ?? null;
  if (insideNodeId !== null && !isNonEmptyString(insideNodeId)) return err(bad(at('insideNodeId'), 'a node id or null', o.insideNodeId));
  return ok({
    id: o.id,
    name: name as string,
    homeNodeId: o.homeNodeId,
    roles: [...new Set(o.roles as Role[])],
    skills: skills as string[],
    permitStatus: permitStatus as PermitStatus,
    canLiveOnSite,
    maxHoursPerDay: maxHoursPerDay as number,
    unavailable: windows,
    insideNodeId: insideNodeId as string | null,
  });
}

/**
 * Checks a whole problem for references and ranges before anything is built: duplicate ids,
 * needs or homes naming unknown sites or shifts, bad shift times. The first error wins.
 */
export function validateProblem(p: StaffingProblem): Result<StaffingProblem> {
  const siteIds = new Set<string>();
  for (let i = 0; i < p.sites.length; i++) {
    const s = p.sites[i];
    if (siteIds.has(s.id)) return err({ ...bad(`sites.${i}.id`, 'a unique site id', s.id), code: 'duplicate' });
    siteIds.add(s.id);
    if (!isInt(s.minStaffPerShift, 0)) return err(bad(`sites.${i}.minStaffPerShift`, 'an integer >= 0', s.minStaffPerShift));
    if (s.closedLoop && (!isInt(s.closedLoop.startDay, 0) || !isInt(s.closedLoop.days, 1)))
      return err(bad(`sites.${i}.closedLoop`, '{startDay >= 0, days >= 1} (integers)', s.closedLoop));
    if (s.priority !== undefined && !isInt(s.priority, 1, 100)) return err(bad(`sites.${i}.priority`, 'an integer 1..100', s.priority));
    if (!Number.isFinite(s.lat) || !Number.isFinite(s.lng)) return err(bad(`sites.${i}.lat`, 'finite coordinates', [s.lat, s.lng]));
  }
  const shiftIds = new Set<string>();
  for (let i = 0; i < p.shifts.length; i++) {
    const s = p.shifts[i];
    if (shiftIds.has(s.id)) return err({ ...bad(`shifts.${i}.id`, 'a unique shift id', s.id), code: 'duplicate' });
    shiftIds.add(s.id);
    if (!isInt(s.startMin, 0)) return err(bad(`shifts.${i}.startMin`, 'an integer >= 0', s.startMin));
    if (!isInt(s.durationMin, 1, 24 * 60)) return err(bad(`shifts.${i}.durationMin`, 'an integer 1..1440', s.durationMin));
  }
  const byShiftId = new Map(p.shifts.map((s) => [s.id, s]));
  for (let i = 0; i < p.shifts.length; i++) {
    const s = p.shifts[i];
    if (s.covers === undefined) continue;
    if (!Array.isArray(s.covers)) return err(bad(`shifts.${i}.covers`, 'a list of shift ids', s.covers));
    for (let j = 0; j < s.covers.length; j++) {
      const u = byShiftId.get(s.covers[j]);
      if (!u || u.covers) return err(bad(`shifts.${i}.covers.${j}`, 'the id of an ordinary shift (one without covers)', s.covers[j]));
      if (!overlaps(s.startMin, shiftEnd(s), u.startMin, shiftEnd(u))) return err(bad(`shifts.${i}.covers.${j}`, `a shift overlapping ${s.id} [${s.startMin}, ${shiftEnd(s)})`, s.covers[j]));
    }
  }
  const staffIds = new Set<string>();
  for (let i = 0; i < p.staff.length; i++) {
    const m = p.staff[i];
    if (staffIds.has(m.id)) return err({ ...bad(`staff.${i}.id`, 'a unique staff id', m.id), code: 'duplicate' });
    staffIds.add(m.id);
    if (!siteIds.has(m.homeNodeId)) return err(bad(`staff.${i}.homeNodeId`, 'one of the plan sites', m.homeNodeId));
    if (m.insideNodeId !== null && !siteIds.has(m.insideNodeId))
      return err(bad(`staff.${i}.insideNodeId`, 'one of the plan sites', m.insideNodeId));
  }
  for (let i = 0; i < p.needs.length; i++) {
    const n = p.needs[i];
    if (!siteIds.has(n.siteId)) return err(bad(`needs.${i}.siteId`, 'one of the plan sites', n.siteId));
    if (!shiftIds.has(n.shiftId)) return err(bad(`needs.${i}.shiftId`, 'one of the plan shifts', n.shiftId));
    if (byShiftId.get(n.shiftId)?.covers) return err(bad(`needs.${i}.shiftId`, 'an ordinary shift (a long shift with covers carries no needs)', n.shiftId));
    if (!isRole(n.role)) return err(bad(`needs.${i}.role`, ROLES.join('|'), n.role));
    if (!isInt(n.requiredMin, 0)) return err(bad(`needs.${i}.requiredMin`, 'an integer >= 0', n.requiredMin));
  }
  const r = { ...DEFAULT_RULES, ...p.rules };
  for (const k of ['minRestMin', 'maxTravelM', 'maxCandidateSites'] as const) {
    if (!isInt(r[k], 0)) return err(bad(`rules.${k}`, 'an integer >= 0', r[k]));
  }
  if (!isInt(r.liveInMaxHoursPerDay, 0, 24)) return err(bad('rules.liveInMaxHoursPerDay', 'an integer 0..24 (hours)', r.liveInMaxHoursPerDay));
  return ok(p);
}

/** The plan day a shift belongs to: the day it starts on. */
export function shiftDay(s: Shift): number {
  return Math.floor(s.startMin / 1440);
}

export function shiftEnd(s: Shift): number {
  return s.startMin + s.durationMin;
}

/**
 * For each shift (by index), the shifts whose needs and headcount it counts toward, with the
 * minutes it gives each when worked whole: an ordinary shift gives its own needs its length; a
 * long shift (`covers`) gives each covered shift the minutes they overlap. A task of m minutes
 * in a long shift gives each covered shift its share, m × overlap ÷ length.
 */
export function shiftCoverage(shifts: Shift[]): Array<Array<{ shift: number; minutes: number }>> {
  const index = new Map(shifts.map((s, i) => [s.id, i]));
  return shifts.map((t, i) => {
    if (!t.covers) return [{ shift: i, minutes: t.durationMin }];
    return t.covers.map((id) => {
      const u = shifts[index.get(id)!];
      return { shift: index.get(id)!, minutes: Math.max(0, Math.min(shiftEnd(t), shiftEnd(u)) - Math.max(t.startMin, u.startMin)) };
    });
  });
}

/** The [from, to) minutes a site is closed-loop, or null. */
export function closedLoopWindow(site: Site): [number, number] | null {
  if (!site.closedLoop) return null;
  return [site.closedLoop.startDay * 1440, (site.closedLoop.startDay + site.closedLoop.days) * 1440];
}

export function overlaps(aFrom: number, aTo: number, bFrom: number, bTo: number): boolean {
  return aFrom < bTo && bFrom < aTo;
}

/**
 * Two shifts cannot both be worked by one person when they overlap or when the rest between
 * them is shorter than `minRestMin`.
 */
export function shiftsConflict(a: Shift, b: Shift, minRestMin: number): boolean {
  if (a.id === b.id) return false;
  const [first, second] = a.startMin <= b.startMin ? [a, b] : [b, a];
  return second.startMin < shiftEnd(first) + minRestMin;
}

/**
 * Minutes a person may work on one day: their own `maxHoursPerDay`, or, for someone who can
 * live on site on a day spent entirely inside a closed loop, `liveInMaxHoursPerDay` when higher.
 */
export function dayLimitMin(person: StaffMember, allInLoop: boolean, rules: Pick<StaffingRules, 'liveInMaxHoursPerDay'>): number {
  const own = person.maxHoursPerDay * 60;
  return allInLoop && person.canLiveOnSite ? Math.max(own, (rules.liveInMaxHoursPerDay ?? 0) * 60) : own;
}
