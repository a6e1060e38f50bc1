import type { TFunction } from 'i18next';

/**
 * A node's status reason in the reader's language, from the code and parameters the server
 * sends (src/domain/network/status-reason.ts). Names are shown, never ids: an area or an
 * incident the parameters do not name is "(unnamed)". An unknown code (a newer server) shows
 * nothing rather than a raw key.
 */
export function statusReasonLabel(t: TFunction, code: string | undefined, params: Record<string, string | number> | undefined): string {
  const p = params ?? {};
  const name = (k: string) => String(p[k] ?? '') || t('common.unnamed');
  switch (code) {
    case 'manual':
      return String(p.text ?? '');
    case 'manual_override':
      return t('statusReason.manual_override', { areas: String(p.areas ?? ''), text: String(p.text ?? '') });
    case 'import':
    case 'schedule_undone':
      return t(`statusReason.${code}`);
    case 'area_in_force':
      return t('statusReason.area_in_force', { level: t(`level.${String(p.level)}`, { defaultValue: '' }), area: name('areaName') });
    case 'area_undone':
      return t(p.why === 'ended' ? 'statusReason.area_undone_ended' : 'statusReason.area_undone_lifted', { area: name('areaName') });
    case 'schedule_ran':
      return t('statusReason.schedule_ran', { status: t(`status.${String(p.toStatus)}`, { defaultValue: '' }) });
    case 'incident_ew_opened':
    case 'incident_apply_undone':
    case 'incident_lifted':
    case 'incident_lift_undone':
      return t(`statusReason.${code}`, { incident: name('incidentName') });
    default:
      return '';
  }
}
