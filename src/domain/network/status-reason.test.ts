import { describe, expect, it } from 'vitest';
import { readStatusReason, statusReasonText, toStatusReason } from './status-reason.ts';

describe('a node status reason', () => {
  it('is worded in English from its code, with names before ids', () => {
    expect(statusReasonText({ code: 'area_in_force', params: { areaId: 'a-1', areaName: 'Dazu Plaza', level: 'lockdown' } })).toBe('inside lockdown area Dazu Plaza');
    expect(statusReasonText({ code: 'incident_lifted', params: { incidentId: 'ew-mxae1ld6', incidentName: 'Dazu' } })).toBe('incident Dazu lifted: stock to be moved out');
    expect(statusReasonText({ code: 'area_undone', params: { areaId: 'a-1', why: 'ended' } })).toBe('control area a-1 ended');
  });

  it('treats plain text as a person’s words', () => {
    expect(toStatusReason('manager asked')).toEqual({ code: 'manual', params: { text: 'manager asked' } });
    expect(toStatusReason('')).toEqual({ code: 'manual', params: {} });
  });

  it('reads an unknown stored code back as its English text, never as a raw key', () => {
    expect(readStatusReason('from_the_future', { x: 1 }, 'something happened')).toEqual({ code: 'manual', params: { text: 'something happened' } });
    expect(readStatusReason('import', {}, 'import')).toEqual({ code: 'import', params: {} });
  });
});
