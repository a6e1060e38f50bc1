/**
 * Routes of the workforce context: staff (with CSV/Excel import and export), sites, needs, rules
 * and staffing plans. The staff table parser is in the domain (workforce/staff-table.ts) and the
 * roster workbook a flow (flows/roster-workbook.ts); this file only wires them to HTTP.
 */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Ref, StringEnum, typed } from '../typebox.ts';
import type { AppDeps } from '../deps.ts';
import { withIdempotency, IdempotencyHeader } from '../idempotency.ts';
import { formatFrom, readTable, writeTable, XLSX_MIME, type TableFormat } from '../tabular.ts';
import { applyStaffCapacity } from '../../flows/staff-capacity.ts';
import { rosterWorkbook } from '../../flows/roster-workbook.ts';
import { fail, unwrap, startOfOperatingDay } from '../../domain/shared/index.ts';
import {
  assembleProblem,
  capacityPerSlot,
  parseRates,
  parseStaffTable,
  planStaffing,
  STAFF_COLUMNS,
  PERMIT_STATUSES,
  ROLES,
} from '../../domain/workforce/index.ts';
import * as store from '../../store/workforce.ts';
import { listNodes, requireNode } from '../../store/network.ts';

const Err = { $ref: 'Error#' };
const errors = { 400: Err, 404: Err, 409: Err, 422: Err };
const TAG = ['workforce'];
const Role = StringEnum(ROLES);

const StaffInputSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'staff code' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    homeNodeId: Type.String({ minLength: 1 }),
    roles: Type.Array(Role, { minItems: 1, maxItems: 7 }),
    skills: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 })),
    permitStatus: Type.Optional(Type.String({ enum: [...PERMIT_STATUSES], description: 'cleared may enter a controlled area' })),
    canLiveOnSite: Type.Optional(Type.Boolean({ description: 'can work closed-loop (闭环): live at the site' })),
    maxHoursPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
    insideNodeId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'the site the person already lives in' })),
  },
  { additionalProperties: false },
);

const StaffSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  homeNodeId: Type.String(),
  roles: Type.Array(Type.String()),
  skills: Type.Array(Type.String()),
  permitStatus: Type.String(),
  canLiveOnSite: Type.Boolean(),
  maxHoursPerDay: Type.Integer(),
  insideNodeId: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  unavailable: Type.Array(Type.Object({ id: Type.Integer(), fromAt: Type.String(), toAt: Type.String(), reason: Type.String() })),
});

const SiteSettingsSchema = Type.Object({
  nodeId: Type.String(),
  controlled: Type.Boolean(),
  minStaffPerShift: Type.Integer({ minimum: 0, maximum: 1000 }),
  closedLoopFrom: Type.Union([Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), Type.Null()]),
  closedLoopDays: Type.Union([Type.Integer({ minimum: 1, maximum: 60 }), Type.Null()]),
  priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1, description: 'weight of an unmet minute here against one elsewhere' })),
});

const FixedNeedSchema = Type.Object(
  {
    nodeId: Type.String({ minLength: 1 }),
    role: Role,
    shiftLabel: Type.String({ minLength: 1, maxLength: 20, default: '*', description: "'*' for every shift, or a label: early, late, night, day, s1…" }),
    headcount: Type.Integer({ minimum: 0, maximum: 10000 }),
  },
  { additionalProperties: false },
);

const LoadSchema = Type.Object({ nodeId: Type.String(), shiftId: Type.String(), orders: Type.Integer({ minimum: 0 }), inboundUnits: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
const DailyLoadSchema = Type.Object({ nodeId: Type.String(), ordersPerDay: Type.Integer({ minimum: 0 }), inboundUnitsPerDay: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });

const PlanRequestSchema = Type.Object(
  {
    startsAt: Type.Optional(Type.String({ format: 'date-time', description: 'plan day 0 at 00:00; default: today 00:00 Beijing time (UTC+8), so shifts line up with the delivery slots' })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 14, default: 3 })),
    shiftsPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 6, default: 3 })),
    firstStartMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 1439, description: 'first shift start, minutes after midnight (default 360)' })),
    nodeIds: Type.Optional(Type.Array(Type.String(), { description: 'plan only these nodes (and the homes of their staff); default all but suppliers' })),
    loads: Type.Optional(Type.Array(LoadSchema, { maxItems: 100000 })),
    dailyLoads: Type.Optional(Type.Array(DailyLoadSchema, { maxItems: 10000 })),
    defaultLoads: Type.Optional(Type.Boolean({ default: true, description: 'nodes without a load expect their daily order capacity' })),
    rates: Type.Optional(Type.Record(Type.String(), Type.Integer())),
    rules: Type.Optional(
      Type.Object(
        {
          minRestMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 2880 })),
          liveInMaxHoursPerDay: Type.Optional(Type.Integer({ minimum: 0, maximum: 24, description: 'hours a day live-in staff may work inside their closed loop (default: the stored rules)' })),
          maxTravelM: Type.Optional(Type.Integer({ minimum: 0 })),
          maxCandidateSites: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
          timeLimitS: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const WOpen = (props: Parameters<typeof Type.Object>[0], description?: string) => Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });
const WShift = WOpen({ id: Type.String(), startMin: Type.Integer(), durationMin: Type.Integer(), startsAt: Type.Optional(Type.String()), endsAt: Type.Optional(Type.String()) });

const PlanSchema = Type.Object({
  id: Type.String(),
  status: Type.String(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  createdAt: Type.String(),
  appliedAt: Type.Union([Type.String(), Type.Null()]),
  method: Type.String({ description: 'mip, or greedy when the solver failed (see notes)' }),
  solver: WOpen({ status: Type.String(), solveTimeS: Type.Number(), gapPct: Type.Union([Type.Number(), Type.Null()]), message: Type.Optional(Type.String()) }),
  review: WOpen(
    {
      unmet: Type.Array(WOpen({ siteId: Type.String(), shiftId: Type.String(), role: Type.String(), requiredMin: Type.Integer(), coveredMin: Type.Integer(), unmetMin: Type.Integer() })),
      shortfallByRoleShift: Type.Array(WOpen({ role: Type.String(), shiftId: Type.String(), unmetMin: Type.Integer() })),
      overHours: Type.Array(WOpen({ staffId: Type.String(), day: Type.Integer(), workedMin: Type.Integer(), maxMin: Type.Integer() })),
      minStaffShortfalls: Type.Array(WOpen({ siteId: Type.String(), shiftId: Type.String(), required: Type.Integer(), assigned: Type.Integer() })),
      violations: Type.Array(WOpen({ kind: Type.String(), staffId: Type.String(), message: Type.String() })),
      totals: WOpen({
        requiredMin: Type.Integer(),
        coveredMin: Type.Integer(),
        unmetMin: Type.Integer(),
        unmetRoleHours: Type.Number(),
        assignments: Type.Integer(),
        peopleRostered: Type.Integer(),
        peopleBorrowed: Type.Integer(),
      }),
    },
    'unmet needs, shortfall by role and shift, who is over hours, violations, totals',
  ),
  notes: Type.Array(Type.String()),
  shifts: Type.Array(WShift),
  sites: Type.Array(WOpen({ id: Type.String(), name: Type.Optional(Type.String()), lat: Type.Number(), lng: Type.Number(), controlled: Type.Boolean() })),
  rules: WOpen({}, 'the staffing rules the plan was made with (hours, rest, borrowing)'),
  rates: WOpen({}, 'the work rates that turned orders and units into role-minutes'),
  slotCapacity: Type.Optional(WOpen({}, 'on apply: order slots whose capacity now comes from the roster, per node (before/after orders)')),
}, { $id: 'StaffingPlan' });
/** Schemas the server registers once (server.ts) and routes answer with by `Ref`: one entry each in /openapi.json's components. */
export const sharedSchemas = [PlanSchema];

const AssignmentSchema = Type.Object({
  staffId: Type.String(),
  siteId: Type.String({ description: 'the node id' }),
  shiftId: Type.String(),
  role: Type.String(),
  tasks: Type.Array(Type.Object({ role: Type.String(), minutes: Type.Integer() })),
  startsAt: Type.String(),
  endsAt: Type.String(),
});

const Id = Type.Object({ id: Type.String() });

export default async function workforceRoutes(scope: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = typed(scope);
  const { db, clock } = deps;

  // ---- staff ----
  app.get(
    '/api/staff',
    {
      schema: {
        tags: TAG,
        summary: 'List staff',
        querystring: Type.Object({ homeNodeId: Type.Optional(Type.String()), role: Type.Optional(Role), includeInactive: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ staff: Type.Array(StaffSchema) }) },
      },
    },
    async (req) => ({ staff: await store.listStaff(db, req.query) }),
  );

  app.get('/api/staff/:id', { schema: { tags: TAG, summary: 'One staff member', params: Id, response: { 200: StaffSchema, ...errors } } }, async (req) =>
    store.requireStaff(db, req.params.id, 'id'),
  );

  app.post(
    '/api/staff',
    { schema: { tags: TAG, summary: 'Create a staff member', headers: IdempotencyHeader, body: StaffInputSchema, response: { 201: StaffSchema, ...errors } } },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await store.createStaff(trx, await store.parseStaffInput(trx, req.body), clock.now()) })),
  );

  app.patch(
    '/api/staff/:id',
    {
      schema: {
        tags: TAG,
        summary: 'Change a staff member (roles, permit, availability to live on site, …)',
        params: Id,
        headers: IdempotencyHeader,
        body: Type.Partial(Type.Omit(StaffInputSchema, ['id']), { additionalProperties: false, minProperties: 1 }),
        response: { 200: StaffSchema, ...errors },
      },
    },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.updateStaff(trx, req.params.id, req.body, clock.now()) })),
  );

  app.delete(
    '/api/staff/:id',
    { schema: { tags: TAG, summary: 'Make a staff member inactive (plans keep referring to them)', params: Id, headers: IdempotencyHeader, response: { 200: StaffSchema, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.deactivateStaff(trx, req.params.id, clock.now()) })),
  );

  app.post(
    '/api/staff/:id/unavailability',
    {
      schema: {
        tags: TAG,
        summary: 'Record a window in which the person cannot work (leave, quarantine)',
        params: Id,
        headers: IdempotencyHeader,
        body: Type.Object({ fromAt: Type.String({ format: 'date-time' }), toAt: Type.String({ format: 'date-time' }), reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: StaffSchema, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      return withIdempotency(db, req, reply, async (trx) => ({
        status: 200,
        body: await store.addUnavailability(trx, req.params.id, new Date(b.fromAt), new Date(b.toAt), b.reason ?? ''),
      }));
    },
  );

  app.post(
    '/api/staff/import',
    {
      schema: {
        tags: TAG,
        summary: 'Import staff from CSV or .xlsx (all-or-nothing unless skipBadRows)',
        description: `Columns: ${STAFF_COLUMNS.join(', ')}. roles and skills are lists separated by ; or |. A file with errors changes nothing and answers 400 with a per-row report.`,
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])), skipBadRows: Type.Optional(Type.Boolean()), dryRun: Type.Optional(Type.Boolean()) }),
        headers: IdempotencyHeader,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const table = await readTable(req.body, formatFrom(req.headers['content-type'], q.format));
      return withIdempotency(db, req, reply, async (trx) => {
        const nodeIds = new Set((await listNodes(trx)).map((n) => n.id));
        const { members, errors: rowErrors } = parseStaffTable(table.header, table.rows, nodeIds);
        const report = { rows: table.rows.length, imported: 0, created: 0, updated: 0, skipped: new Set(rowErrors.map((e) => e.row)).size, dryRun: !!q.dryRun, errors: rowErrors.slice(0, 1000) };
        if (rowErrors.some((e) => e.row === 1) || (rowErrors.length > 0 && !q.skipBadRows))
          return { status: 400, body: { ...report, code: 'validation_failed', message: `${rowErrors.length} error(s) in the file; nothing was imported` } };
        if (!q.dryRun) {
          const r = await store.upsertStaff(trx, members, clock.now());
          Object.assign(report, r, { imported: members.length });
        }
        return { status: 200, body: report };
      });
    },
  );

  app.get(
    '/api/staff/export',
    { schema: { tags: TAG, summary: 'Export staff as CSV or .xlsx (the import format)', querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])) }) } },
    async (req, reply) => {
      const format = (req.query.format ?? 'csv') as TableFormat;
      const staff = await store.listStaff(db);
      const rows = staff.map((s) => [s.id, s.name, s.homeNodeId, s.roles.join(';'), s.skills.join(';'), s.permitStatus, String(s.canLiveOnSite), String(s.maxHoursPerDay), s.insideNodeId ?? '']);
      const buf = await writeTable({ header: STAFF_COLUMNS, rows }, format, 'staff');
      reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_MIME);
      reply.header('content-disposition', `attachment; filename="staff.${format}"`);
      return reply.send(buf);
    },
  );

  app.get(
    '/api/staff/:id/schedule',
    {
      schema: {
        tags: TAG,
        summary: "A person's own schedule: their shifts in time order, from the applied plan (or planId)",
        params: Id,
        querystring: Type.Object({ planId: Type.Optional(Type.String()) }),
        response: {
          200: Type.Object({
            staffId: Type.String(),
            name: Type.String(),
            planId: Type.Union([Type.String(), Type.Null()]),
            items: Type.Array(Type.Object({ startsAt: Type.String(), endsAt: Type.String(), shiftId: Type.String(), nodeId: Type.String(), nodeName: Type.String(), role: Type.String(), tasks: Type.Array(Type.Object({ role: Type.String(), minutes: Type.Integer() })) })),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const person = await store.requireStaff(db, req.params.id, 'id');
      const planId = req.query.planId;
      const plan = planId ? await store.requirePlan(db, planId, 'planId') : await store.currentPlan(db, clock.now());
      if (!plan) return { staffId: person.id, name: person.name, planId: null, items: [] };
      const names = new Map((await listNodes(db)).map((n) => [n.id, n.nameZh]));
      const mine = await store.planAssignments(db, plan.id, { staffId: person.id });
      return {
        staffId: person.id,
        name: person.name,
        planId: plan.id,
        items: mine.map((a) => ({ startsAt: a.startsAt, endsAt: a.endsAt, shiftId: a.shiftId, nodeId: a.siteId, nodeName: names.get(a.siteId) ?? a.siteId, role: a.role, tasks: a.tasks ?? [] })),
      };
    },
  );

  // ---- staffing rules the user sets ----
  const RulesSchema = Type.Object(
    {
      minRestMin: Type.Integer({ minimum: 0, maximum: 2880, description: 'minimum rest between two shifts of one person, minutes (default 480)' }),
      liveInMaxHoursPerDay: Type.Integer({ minimum: 0, maximum: 24, description: 'hours a day live-in (closed-loop) staff may work inside their loop (default 16; 0: their own daily limit)' }),
    },
    { additionalProperties: false },
  );
  app.get('/api/workforce/rules', { schema: { tags: TAG, summary: 'Staffing rules for every roster: rest between shifts, live-in long days', response: { 200: RulesSchema } } }, async () => store.getStaffingRules(db));
  app.put(
    '/api/workforce/rules',
    { schema: { tags: TAG, summary: 'Set the staffing rules (rest between shifts, live-in long days)', headers: IdempotencyHeader, body: RulesSchema, response: { 200: RulesSchema, ...errors } } },
    async (req, reply) => withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: await store.putStaffingRules(trx, req.body, clock.now()) })),
  );

  // ---- node settings and fixed needs ----
  app.get('/api/workforce/sites', { schema: { tags: TAG, summary: 'Staffing settings per node (controlled, closed loop, minimum staffing)', response: { 200: Type.Object({ sites: Type.Array(SiteSettingsSchema) }) } } }, async () => ({
    sites: await store.listSiteSettings(db),
  }));

  app.put(
    '/api/workforce/sites/:nodeId',
    {
      schema: {
        tags: TAG,
        summary: "Set a node's staffing settings",
        params: Type.Object({ nodeId: Type.String() }),
        headers: IdempotencyHeader,
        body: Type.Omit(SiteSettingsSchema, ['nodeId'], { additionalProperties: false }),
        response: { 200: SiteSettingsSchema, ...errors },
      },
    },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({
        status: 200,
        body: await store.putSiteSettings(trx, { ...req.body, priority: req.body.priority ?? 1, nodeId: req.params.nodeId }, clock.now()),
      })),
  );

  app.get(
    '/api/workforce/needs',
    { schema: { tags: TAG, summary: 'Fixed needs entered by hand (headcount per node, role and shift label)', querystring: Type.Object({ nodeId: Type.Optional(Type.String()) }), response: { 200: Type.Object({ needs: Type.Array(FixedNeedSchema) }) } } },
    async (req) => ({ needs: await store.listFixedNeeds(db, req.query.nodeId) }),
  );

  app.put(
    '/api/workforce/needs',
    {
      schema: {
        tags: TAG,
        summary: 'Replace the fixed needs of the nodes named in the body',
        headers: IdempotencyHeader,
        body: Type.Object({ needs: Type.Array(FixedNeedSchema, { maxItems: 10000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ stored: Type.Integer() }), ...errors },
      },
    },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => ({ status: 200, body: { stored: await store.replaceFixedNeeds(trx, req.body.needs) } })),
  );

  app.post(
    '/api/workforce/needs/preview',
    {
      schema: {
        tags: TAG,
        summary: 'The role-minutes a plan request would ask for, per node, shift and role (nothing is stored)',
        body: PlanRequestSchema,
        response: { 200: Type.Object({ shifts: Type.Array(WShift), needs: Type.Array(Type.Object({ siteId: Type.String(), shiftId: Type.String(), role: Type.String(), requiredMin: Type.Integer(), source: Type.String() })) }), ...errors },
      },
    },
    async (req) => {
      const { problem } = await buildProblem(deps, req.body);
      return { shifts: problem.shifts, needs: problem.needs };
    },
  );

  // ---- plans ----
  app.post(
    '/api/staffing-plans',
    {
      schema: {
        tags: TAG,
        summary: 'Plan staffing for a horizon (HiGHS MIP, greedy fallback): a draft to review, then apply',
        description:
          'Needs come from expected orders (loads, dailyLoads, or each node’s daily order capacity) at documented rates, plus the fixed needs. Max hours and rest are never broken: what cannot be covered is reported in review.unmet and review.shortfallByRoleShift.',
        headers: IdempotencyHeader,
        body: PlanRequestSchema,
        response: { 201: Ref(PlanSchema), ...errors },
      },
    },
    async (req, reply) => {
      // Solve outside the write transaction (it can take seconds); only the insert is transactional.
      const { problem, startsAt, rates } = await buildProblem(deps, req.body);
      const result = unwrap(await (deps.roster ? deps.roster(problem) : planStaffing(problem, { solver: deps.solver })));
      return withIdempotency(db, req, reply, async (trx) => ({ status: 201, body: await store.insertPlan(trx, randomUUID(), startsAt, problem, result, clock.now(), rates) }));
    },
  );

  app.get(
    '/api/staffing-plans',
    { schema: { tags: TAG, summary: 'Staffing plans, newest first', querystring: Type.Object({ status: Type.Optional(Type.String({ enum: ['draft', 'applied', 'superseded'] })) }), response: { 200: Type.Object({ plans: Type.Array(Ref(PlanSchema)) }) } } },
    async (req) => ({ plans: await store.listPlans(db, req.query.status) }),
  );

  app.get('/api/staffing-plans/:id', { schema: { tags: TAG, summary: 'A plan with its review', params: Id, response: { 200: Ref(PlanSchema), ...errors } } }, async (req) =>
    store.requirePlan(db, req.params.id),
  );

  app.get(
    '/api/staffing-plans/:id/assignments',
    {
      schema: {
        tags: TAG,
        summary: "A plan's assignments",
        params: Id,
        querystring: Type.Object({ nodeId: Type.Optional(Type.String()), staffId: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ assignments: Type.Array(AssignmentSchema) }), ...errors },
      },
    },
    async (req) => {
      const id = req.params.id;
      await store.requirePlan(db, id);
      return { assignments: await store.planAssignments(db, id, req.query) };
    },
  );

  app.post(
    '/api/staffing-plans/:id/apply',
    { schema: { tags: TAG, summary: 'Apply a draft plan: it becomes the roster; overlapping applied plans are superseded; its nodes\' order slots in the horizon get the capacity the roster gives', params: Id, headers: IdempotencyHeader, response: { 200: Ref(PlanSchema), ...errors } } },
    async (req, reply) =>
      withIdempotency(db, req, reply, async (trx) => {
        const plan = await store.applyPlan(trx, req.params.id, clock.now());
        const cap = await applyStaffCapacity(trx, plan.id);
        return { status: 200, body: { ...plan, slotCapacity: { slots: cap.changes.length, nodes: cap.nodes } } };
      }),
  );

  app.get(
    '/api/staffing-plans/:id/roster.xlsx',
    { schema: { tags: TAG, summary: 'The roster as an Excel workbook: roster, shortfall, over hours, needs', params: Id } },
    async (req, reply) => {
      const plan = await store.requirePlan(db, req.params.id);
      const buf = await rosterWorkbook(deps.db, plan);
      reply.header('content-type', XLSX_MIME);
      reply.header('content-disposition', `attachment; filename="roster-${plan.id.slice(0, 8)}.xlsx"`);
      return reply.send(buf);
    },
  );

  app.get(
    '/api/nodes/:id/capacity',
    {
      schema: {
        tags: TAG,
        summary: 'Orders per slot the node can pick and pack with the staff assigned (the applied plan, or planId)',
        params: Id,
        querystring: Type.Object({ planId: Type.Optional(Type.String()), slotMin: Type.Optional(Type.Integer({ minimum: 15, maximum: 1440, default: 60 })) }),
        response: {
          200: Type.Object({
            nodeId: Type.String(),
            planId: Type.Union([Type.String(), Type.Null()]),
            slotMin: Type.Integer(),
            slots: Type.Array(Type.Object({ startsAt: Type.String(), endsAt: Type.String(), pickers: Type.Integer(), packers: Type.Integer(), ordersPerSlot: Type.Integer() })),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const nodeId = req.params.id;
      await requireNode(db, nodeId, 'id');
      const q = req.query;
      const slotMin = q.slotMin ?? 60;
      const plan = q.planId ? await store.requirePlan(db, q.planId, 'planId') : await store.currentPlan(db, clock.now());
      if (!plan) return { nodeId, planId: null, slotMin, slots: [] };
      const assignments = await store.planAssignments(db, plan.id, { nodeId });
      const start = Date.parse(plan.startsAt);
      const slots = capacityPerSlot(nodeId, assignments, plan.shifts, { slotMin, rates: plan.rates });
      return {
        nodeId,
        planId: plan.id,
        slotMin,
        slots: slots.map((s) => ({ startsAt: new Date(start + s.startMin * 60_000).toISOString(), endsAt: new Date(start + s.endMin * 60_000).toISOString(), pickers: s.pickers, packers: s.packers, ordersPerSlot: s.ordersPerSlot })),
      };
    },
  );
}

type PlanBody = {
  startsAt?: string;
  days?: number;
  shiftsPerDay?: number;
  firstStartMin?: number;
  nodeIds?: string[];
  loads?: Array<{ nodeId: string; shiftId: string; orders: number; inboundUnits: number }>;
  dailyLoads?: Array<{ nodeId: string; ordersPerDay: number; inboundUnitsPerDay: number }>;
  defaultLoads?: boolean;
  rates?: Record<string, number>;
  rules?: Record<string, number>;
};

/** Reads staff, nodes, settings and fixed needs, and builds the problem a plan request describes. */
async function buildProblem(deps: AppDeps, body: PlanBody) {
  const { db, clock } = deps;
  const now = clock.now();
  // Default: 00:00 Beijing time today, so shifts (06-14-22-06) line up with the orders context's
  // delivery slots, which are Beijing wall-clock times (applying a plan sets their capacity).
  const startsAt = body.startsAt ? new Date(body.startsAt) : new Date(startOfOperatingDay(now.getTime()));
  const rates = unwrap(parseRates(body.rates ?? {}));
  let nodes = await store.planNodes(db);
  const staffAll = (await store.listStaff(db)).filter((s) => s.roles.length > 0);
  if (body.nodeIds) {
    const known = new Set(nodes.map((n) => n.id));
    body.nodeIds.forEach((id, i) => {
      if (!known.has(id)) fail({ code: 'not_found', message: `nodeIds.${i}: node ${id} does not exist`, field: `nodeIds.${i}`, expected: 'an existing node id (not a supplier)', actual: id });
    });
    const wanted = new Set(body.nodeIds);
    nodes = nodes.filter((n) => wanted.has(n.id));
  }
  const nodeIds = new Set(nodes.map((n) => n.id));
  const staff = staffAll.filter((s) => nodeIds.has(s.homeNodeId) && (!s.insideNodeId || nodeIds.has(s.insideNodeId)));
  const r = assembleProblem(
    {
      startsAtMs: startsAt.getTime(),
      days: body.days ?? 3,
      shiftsPerDay: body.shiftsPerDay ?? 3,
      firstStartMin: body.firstStartMin,
      loads: body.loads?.map((l) => ({ siteId: l.nodeId, shiftId: l.shiftId, orders: l.orders, inboundUnits: l.inboundUnits })),
      dailyLoads: body.dailyLoads?.map((l) => ({ siteId: l.nodeId, ordersPerDay: l.ordersPerDay, inboundUnitsPerDay: l.inboundUnitsPerDay })),
      defaultLoads: body.defaultLoads,
      fixedNeeds: await store.listFixedNeeds(db),
      rates,
      rules: { ...(await store.getStaffingRules(db)), ...body.rules },
    },
    nodes,
    staff.map(({ unavailable, active: _a, ...s }) => ({ ...s, unavailableMs: unavailable.map((w) => ({ fromMs: Date.parse(w.fromAt), toMs: Date.parse(w.toAt) })) })),
  );
  return { problem: unwrap(r), startsAt, rates };
}
