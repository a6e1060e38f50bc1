/** Delivery slots and ordering windows: the day's slots from a template, and checking a slot and window. */
import { err, ok, type Result } from '../shared/index.ts';
import type { RejectionCode } from './types.ts';
import { DEFAULT_CALENDAR, localTimeMs as calendarTimeMs, operatingDay } from '../shared/index.ts';

/**
 * Delivery slots and ordering windows.
 *
 * A slot is one node's delivery period (e.g. 07:00-08:00) with a capacity in orders (its riders'
 * delivery capacity, 运力). An ordering window governs a node's service day: orders for that day's
 * slots are taken from `opensAtMs` (e.g. 06:00, as in Shanghai 2022) until `closesAtMs`, or until
 * the day's capacity is gone, whichever comes first. Both are counted in whole orders; a group
 * order to one drop point counts as one delivery.
 */
export interface SlotState {
  nodeId: string;
  startMs: number;
  endMs: number;
  serviceDay: string;
  capacity: number;
  booked: number;
}

export interface WindowState {
  nodeId: string;
  serviceDay: string;
  opensAtMs: number;
  /** null: open until the day's capacity is gone. */
  closesAtMs: number | null;
  dayCapacity: number;
  booked: number;
}

/** China Standard Time: the scenario's local time, UTC+8, no daylight saving. */
export const DEFAULT_UTC_OFFSET_MIN = DEFAULT_CALENDAR.utcOffsetMin;

/** The local calendar day (`YYYY-MM-DD`) of an instant: the operating calendar's (../shared/calendar.ts). */
export function localDay(ms: number, utcOffsetMin = DEFAULT_UTC_OFFSET_MIN): string {
  return operatingDay(ms, { utcOffsetMin });
}

/** The instant of a local wall-clock time on a local day (../shared/calendar.ts). */
export function localTimeMs(day: string, minutesOfDay: number, utcOffsetMin = DEFAULT_UTC_OFFSET_MIN): number {
  return calendarTimeMs(day, minutesOfDay, { utcOffsetMin });
}

export interface SlotCheck {
  code: RejectionCode;
  message: string;
}

/** Can this window take one more order now? null when it can. */
export function checkWindow(w: WindowState | undefined, nowMs: number, deliveries = 1): SlotCheck | null {
  if (!w) return null;
  if (nowMs < w.opensAtMs) {
    return { code: 'window_closed', message: `ordering for ${w.serviceDay} at node ${w.nodeId} opens at ${new Date(w.opensAtMs).toISOString()}` };
  }
  if (w.closesAtMs !== null && nowMs >= w.closesAtMs) {
    return { code: 'window_closed', message: `ordering for ${w.serviceDay} at node ${w.nodeId} closed at ${new Date(w.closesAtMs).toISOString()}` };
  }
  if (w.booked + deliveries > w.dayCapacity) {
    return { code: 'window_closed', message: `node ${w.nodeId} has no delivery capacity left for ${w.serviceDay} (${w.booked} of ${w.dayCapacity} orders taken)` };
  }
  return null;
}

/** Can this slot take one more delivery? null when it can. */
export function checkSlot(s: SlotState | undefined, nodeId: string, slotStartMs: number, nowMs: number, deliveries = 1): SlotCheck | null {
  if (!s) return { code: 'slot_full', message: `node ${nodeId} has no delivery slot starting ${new Date(slotStartMs).toISOString()}` };
  if (s.endMs <= nowMs) return { code: 'window_closed', message: `the slot starting ${new Date(s.startMs).toISOString()} at node ${nodeId} is already over` };
  if (s.booked + deliveries > s.capacity) {
    return { code: 'slot_full', message: `the slot starting ${new Date(s.startMs).toISOString()} at node ${nodeId} is full (${s.booked} of ${s.capacity})` };
  }
  return null;
}

export interface SlotTemplate {
  /** Local minutes of day of the first slot's start (07:00 = 420). */
  firstStartMin: number;
  /** Local minutes of day of the last slot's end (22:00 = 1320). */
  lastEndMin: number;
  slotLengthMin: number;
  /** Local minutes of day when ordering opens (06:00 = 360). */
  windowOpensMin: number;
}

export const DEFAULT_SLOT_TEMPLATE: SlotTemplate = { firstStartMin: 7 * 60, lastEndMin: 22 * 60, slotLengthMin: 60, windowOpensMin: 6 * 60 };

/**
 * A node's slots and window for one day: the day's order capacity is spread over the slots as
 * evenly as whole orders allow (the first slots take the remainder).
 */
export function daySlots(nodeId: string, day: string, dailyOrderCapacity: number, template: SlotTemplate = DEFAULT_SLOT_TEMPLATE, utcOffsetMin = DEFAULT_UTC_OFFSET_MIN): Result<{ slots: SlotState[]; window: WindowState }> {
  const t = template;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    return err({ code: 'validation_failed', message: 'day must be a calendar day', field: 'day', expected: 'YYYY-MM-DD', actual: day });
  }
  if (!Number.isInteger(dailyOrderCapacity) || dailyOrderCapacity < 0) {
    return err({ code: 'validation_failed', message: 'dailyOrderCapacity must be a whole number >= 0', field: 'dailyOrderCapacity', expected: 'integer >= 0', actual: dailyOrderCapacity });
  }
  if (!(Number.isInteger(t.slotLengthMin) && t.slotLengthMin >= 5 && t.firstStartMin >= 0 && t.lastEndMin <= 24 * 60 && t.firstStartMin + t.slotLengthMin <= t.lastEndMin)) {
    return err({ code: 'validation_failed', message: 'the slot template must fit in one day with slots of at least 5 minutes', field: 'template', expected: 'firstStart + length <= lastEnd <= 24:00', actual: t });
  }
  if (!(t.windowOpensMin >= 0 && t.windowOpensMin <= t.lastEndMin)) {
    return err({ code: 'validation_failed', message: 'the window must open before the last slot ends', field: 'template.windowOpensMin', expected: `<= ${t.lastEndMin}`, actual: t.windowOpensMin });
  }
  const n = Math.floor((t.lastEndMin - t.firstStartMin) / t.slotLengthMin);
  const base = Math.floor(dailyOrderCapacity / n);
  const extra = dailyOrderCapacity - base * n;
  const slots: SlotState[] = [];
  for (let i = 0; i < n; i++) {
    const start = t.firstStartMin + i * t.slotLengthMin;
    slots.push({
      nodeId,
      startMs: localTimeMs(day, start, utcOffsetMin),
      endMs: localTimeMs(day, start + t.slotLengthMin, utcOffsetMin),
      serviceDay: day,
      capacity: base + (i < extra ? 1 : 0),
      booked: 0,
    });
  }
  return ok({
    slots,
    window: { nodeId, serviceDay: day, opensAtMs: localTimeMs(day, t.windowOpensMin, utcOffsetMin), closesAtMs: null, dayCapacity: dailyOrderCapacity, booked: 0 },
  });
}
