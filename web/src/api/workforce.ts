import { api } from './client.ts';

/** Staff and staffing plans, as the staff screen uses them (see src/api/routes/workforce.ts). */
export interface StaffRow {
  id: string;
  name: string;
  homeNodeId: string;
  roles: string[];
  permitStatus: string;
  canLiveOnSite: boolean;
  maxHoursPerDay: number;
  insideNodeId: string | null;
  active: boolean;
}
export interface StaffingReview {
  unmet: Array<{ siteId: string; shiftId: string; role: string; requiredMin: number; coveredMin: number; unmetMin: number }>;
  shortfallByRoleShift: Array<{ role: string; shiftId: string; unmetMin: number }>;
  overHours: unknown[];
  violations: Array<{ kind: string; staffId: string; message: string }>;
  totals: { requiredMin: number; coveredMin: number; unmetMin: number; unmetRoleHours: number; assignments: number; peopleRostered: number; peopleBorrowed: number };
}
export interface StaffingPlan {
  id: string;
  status: string;
  startsAt: string;
  endsAt: string;
  createdAt: string;
  appliedAt: string | null;
  method: string;
  review: StaffingReview;
  notes: string[];
}

export const workforceApi = {
  staff: (query: { homeNodeId?: string }, signal?: AbortSignal) => api.get<{ staff: StaffRow[] }>('/api/staff', { query, signal }),
  plans: (signal?: AbortSignal) => api.get<{ plans: StaffingPlan[] }>('/api/staffing-plans', { signal }),
  plan: (body: { days: number; rules?: { timeLimitS?: number } }) => api.post<StaffingPlan>('/api/staffing-plans', body),
  apply: (id: string) => api.post<StaffingPlan>('/api/staffing-plans/{id}/apply', {}, { params: { id } }),
};
