/**
 * A staffing plan as an Excel workbook (roster, shortfall, over hours, minimum staffing, needs, summary):
 * reads the workforce store and the network's node names, so it is a flow, not a route or a store module.
 */
import { addTableSheet, newWorkbook } from './workbooks.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../store/tables.ts';
import * as store from '../store/workforce.ts';
import { listNodes } from '../store/network.ts';

export async function rosterWorkbook(db: Kysely<DB>, plan: store.StoredPlan): Promise<Buffer> {
  const [assignments, staff, nodes] = await Promise.all([store.planAssignments(db, plan.id), store.listStaff(db, { includeInactive: true }), listNodes(db)]);
  const people = new Map(staff.map((s) => [s.id, s]));
  const names = new Map(nodes.map((n) => [n.id, n.nameZh]));
  const wb = await newWorkbook();
  const sheet = (name: string, header: string[], rows: Array<Array<string | number>>) => addTableSheet(wb, name, header, rows, { frozen: true, columnWidth: 18 });
  const shiftTimes = new Map(plan.shifts.map((s) => [s.id, s]));
  sheet(
    'Roster',
    ['shift', 'starts', 'ends', 'node', 'node name', 'staff id', 'name', 'home node', 'borrowed', 'role', 'tasks (min)'],
    assignments.map((a) => {
      const p = people.get(a.staffId);
      return [
        a.shiftId,
        a.startsAt,
        a.endsAt,
        a.siteId,
        names.get(a.siteId) ?? a.siteId,
        a.staffId,
        p?.name ?? '',
        p?.homeNodeId ?? '',
        p && p.homeNodeId !== a.siteId ? 'yes' : '',
        a.role,
        (a.tasks ?? []).map((t) => `${t.role} ${t.minutes}`).join('; '),
      ];
    }),
  );
  sheet(
    'Shortfall',
    ['shift', 'starts', 'node', 'role', 'required h', 'covered h', 'unmet h'],
    plan.review.unmet.map((u) => [u.shiftId, shiftTimes.get(u.shiftId)?.startsAt ?? '', u.siteId, u.role, +(u.requiredMin / 60).toFixed(1), +(u.coveredMin / 60).toFixed(1), +(u.unmetMin / 60).toFixed(1)]),
  );
  sheet('Over hours', ['staff id', 'name', 'plan day', 'worked h', 'max h'], plan.review.overHours.map((o) => [o.staffId, people.get(o.staffId)?.name ?? '', o.day + 1, o.workedMin / 60, o.maxMin / 60]));
  sheet('Minimum staffing', ['shift', 'node', 'required', 'assigned'], plan.review.minStaffShortfalls.map((m) => [m.shiftId, m.siteId, m.required, m.assigned]));
  const needs = await store.planNeeds(db, plan.id);
  sheet('Needs', ['shift', 'node', 'role', 'required min', 'source'], needs.map((n) => [n.shiftId, n.siteId, n.role, n.requiredMin, n.source]));
  sheet('Summary', ['field', 'value'], [
    ['plan', plan.id],
    ['status', plan.status],
    ['method', plan.method],
    ['solver status', plan.solver.status],
    ['required role-hours', +(plan.review.totals.requiredMin / 60).toFixed(1)],
    ['unmet role-hours', plan.review.totals.unmetRoleHours],
    ['assignments', plan.review.totals.assignments],
    ['people rostered', plan.review.totals.peopleRostered],
    ['people borrowed', plan.review.totals.peopleBorrowed],
    ...plan.notes.map((n, i): [string, string] => [`note ${i + 1}`, n]),
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
