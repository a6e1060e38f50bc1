/**
 * Why a node's status changed, as a code with parameters: the command centre translates
 * it (zh-CN, en) and shows names, not ids; the CLI and logs use the English sentence
 * `statusReasonText` writes from the same code. The parameters carry the names that
 * existed at the time (an area's or incident's name) beside the ids, so a later rename
 * or deletion does not leave the reason without words.
 *
 * Codes:
 * - `manual` {text}: a person's own words (the status form, an import column, an older row)
 * - `manual_override` {text, areas, areaIds}: a person reopened a node inside active lockdowns (areas: their names), naming why
 * - `import` {}: a node file changed the status without a reason
 * - `area_in_force` {areaId, areaName, level}: a control area took effect over the node
 * - `area_undone` {areaId, areaName, why: lifted|ended}: the area's effect was undone
 * - `schedule_ran` {scheduleId, text}: a scheduled change ran (text: the reason it was scheduled with)
 * - `schedule_undone` {scheduleId}: a scheduled change was cancelled after it ran
 * - `incident_ew_opened` | `incident_apply_undone` | `incident_lifted` | `incident_lift_undone` {incidentId, incidentName}
 */
export const STATUS_REASON_CODES = [
  'manual',
  'manual_override',
  'import',
  'area_in_force',
  'area_undone',
  'schedule_ran',
  'schedule_undone',
  'incident_ew_opened',
  'incident_apply_undone',
  'incident_lifted',
  'incident_lift_undone',
] as const;
export type StatusReasonCode = (typeof STATUS_REASON_CODES)[number];

export type StatusReasonParams = Record<string, string | number>;

export interface StatusReason {
  code: StatusReasonCode;
  params: StatusReasonParams;
}

/** A person's words as a reason; the empty text is no reason. */
export function manualReason(text: string): StatusReason {
  return { code: 'manual', params: text ? { text } : {} };
}

/** Accepts a reason or a person's words (older callers pass text). */
export function toStatusReason(reason: string | StatusReason): StatusReason {
  return typeof reason === 'string' ? manualReason(reason) : reason;
}

const s = (p: StatusReasonParams, k: string): string => String(p[k] ?? '');

/** The reason in English, for the CLI, logs and the `statusReason` text field. */
export function statusReasonText(r: StatusReason): string {
  const p = r.params;
  switch (r.code) {
    case 'manual':
      return s(p, 'text');
    case 'manual_override':
      return `override of lockdown ${s(p, 'areaIds') || s(p, 'areas')}: ${s(p, 'text')}`;
    case 'import':
      return 'import';
    case 'area_in_force':
      return `inside ${s(p, 'level')} area ${s(p, 'areaName') || s(p, 'areaId')}`;
    case 'area_undone':
      return `control area ${s(p, 'areaName') || s(p, 'areaId')} ${s(p, 'why')}`;
    case 'schedule_ran':
      return s(p, 'text') || `scheduled change ${s(p, 'scheduleId')}`;
    case 'schedule_undone':
      return `scheduled change ${s(p, 'scheduleId')} undone`;
    case 'incident_ew_opened':
      return `incident ${s(p, 'incidentName') || s(p, 'incidentId')}: emergency warehouse opened`;
    case 'incident_apply_undone':
      return `incident ${s(p, 'incidentName') || s(p, 'incidentId')}: apply undone`;
    case 'incident_lifted':
      return `incident ${s(p, 'incidentName') || s(p, 'incidentId')} lifted: stock to be moved out`;
    case 'incident_lift_undone':
      return `incident ${s(p, 'incidentName') || s(p, 'incidentId')}: lift undone`;
  }
}

/** A stored code and parameters read back; an unknown code (a newer server's) keeps its English text as a manual reason. */
export function readStatusReason(code: string, params: unknown, text: string): StatusReason {
  if ((STATUS_REASON_CODES as readonly string[]).includes(code) && params && typeof params === 'object') {
    return { code: code as StatusReasonCode, params: params as StatusReasonParams };
  }
  return manualReason(text);
}
