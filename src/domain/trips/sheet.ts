/**
 * The trip sheet (派车单) a driver takes along: the trip, the vehicle and driver, the stops in
 * order with their ETA and receiving window, what to unload at each (the manifest), and the
 * coolant packed. One model, three renderings: JSON (the model itself), a printable HTML page and
 * the rows of an .xlsx workbook (written by the store, which owns the spreadsheet library).
 */
import type { Coolant, ManifestLine, TemperatureClass } from './model.ts';
import { formatClock } from './time.ts';

export interface TripSheet {
  tripId: string;
  planId: string;
  day: string;
  status: string;
  vehicle: { typeId: string; typeName: string; key: string; plate: string | null };
  driver: { name: string | null; phone: string | null };
  origin: { id: string; name: string };
  end: { id: string; name: string };
  depart: string;
  return: string;
  distanceKm: number;
  loadKg: Record<TemperatureClass, number>;
  coolant: Coolant;
  coolantNote: string;
  stops: Array<{
    seq: number;
    loadId: string;
    loadKind: string;
    place: string;
    eta: string;
    window: string;
    unloadStart: string;
    weightKg: number;
    coolant: Coolant;
    manifest: ManifestLine[];
    status: string;
  }>;
}

export interface SheetTrip {
  id: string;
  planId: string;
  day: string;
  status: string;
  vehicleTypeId: string;
  vehicleTypeName: string;
  vehicleKey: string;
  plate: string | null;
  driverName: string | null;
  driverPhone: string | null;
  origin: { id: string; name: string };
  end: { id: string; name: string };
  departS: number;
  returnS: number;
  distanceM: number;
  loadWeightG: Record<TemperatureClass, number>;
  coolant: Coolant;
  coolantNote: string;
  stops: Array<{
    seq: number; loadId: string; loadKind: string; placeName: string; arrivalS: number; startS: number; windows: [number, number][];
    weightG: number; coolant: Coolant; manifest: ManifestLine[]; status: string;
  }>;
}

const kg = (g: number) => Math.round(g / 100) / 10;

export function tripSheet(t: SheetTrip): TripSheet {
  return {
    tripId: t.id,
    planId: t.planId,
    day: t.day,
    status: t.status,
    vehicle: { typeId: t.vehicleTypeId, typeName: t.vehicleTypeName, key: t.vehicleKey, plate: t.plate },
    driver: { name: t.driverName, phone: t.driverPhone },
    origin: t.origin,
    end: t.end,
    depart: formatClock(t.departS),
    return: formatClock(t.returnS),
    distanceKm: Math.round(t.distanceM / 100) / 10,
    loadKg: { ambient: kg(t.loadWeightG.ambient), chilled: kg(t.loadWeightG.chilled), frozen: kg(t.loadWeightG.frozen) },
    coolant: t.coolant,
    coolantNote: t.coolantNote,
    stops: t.stops.map((s) => ({
      seq: s.seq,
      loadId: s.loadId,
      loadKind: s.loadKind,
      place: s.placeName,
      eta: formatClock(s.arrivalS),
      window: s.windows.map(([a, b]) => `${formatClock(a)}-${formatClock(b)}`).join(', '),
      unloadStart: formatClock(s.startS),
      weightKg: kg(s.weightG),
      coolant: s.coolant,
      manifest: s.manifest,
      status: s.status,
    })),
  };
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function coolantText(c: Coolant): string {
  const parts: string[] = [];
  if (c.dryIceBags > 0) parts.push(`${c.dryIceBags} dry-ice bag(s) 干冰 (${kg(c.dryIceG)} kg)`);
  if (c.icePacks > 0) parts.push(`${c.icePacks} ice pack(s) 冰袋`);
  return parts.length ? parts.join(', ') : '—';
}

/** A self-contained printable page (A4, no scripts, no external assets). */
export function tripSheetHtml(s: TripSheet): string {
  const stops = s.stops
    .map(
      (st) => `
  <section class="stop">
    <h2>${st.seq}. ${esc(st.place)} <small>${esc(st.loadKind)} ${esc(st.loadId)}</small></h2>
    <p>ETA <b>${esc(st.eta)}</b> · unload from ${esc(st.unloadStart)} · window ${esc(st.window)} · ${st.weightKg} kg · coolant ${esc(coolantText(st.coolant))}</p>
    <table><thead><tr><th>Item 商品</th><th>Name</th><th>Class 温层</th><th class="n">Qty 数量</th><th>Unit</th><th class="n">Received 实收</th></tr></thead><tbody>
${st.manifest.map((m) => `      <tr><td>${esc(m.itemId)}</td><td>${esc(m.name)}</td><td>${esc(m.temperatureClass)}</td><td class="n">${m.quantity}</td><td>${esc(m.unit)}</td><td class="blank"></td></tr>`).join('\n')}
    </tbody></table>
    <p class="sign">Received by 收货人: ________________ Time 时间: ________</p>
  </section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Trip sheet 派车单 ${esc(s.tripId)}</title>
<style>
  @page { size: A4; margin: 12mm; }
  body { font: 12px/1.4 system-ui, "Noto Sans CJK SC", sans-serif; color: #000; }
  h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 12px 0 2px; } small { color: #444; font-weight: normal; }
  table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #888; padding: 2px 4px; text-align: left; }
  td.n, th.n { text-align: right; } td.blank { min-width: 60px; }
  .head td { border: none; padding: 1px 8px 1px 0; } .stop { page-break-inside: avoid; } .sign { margin-top: 6px; }
</style></head><body>
<h1>Trip sheet 派车单 ${esc(s.tripId)}</h1>
<table class="head">
  <tr><td>Day 日期</td><td><b>${esc(s.day)}</b></td><td>Plan</td><td>${esc(s.planId)}</td><td>Status</td><td>${esc(s.status)}</td></tr>
  <tr><td>Vehicle 车辆</td><td>${esc(s.vehicle.typeName)} (${esc(s.vehicle.key)})${s.vehicle.plate ? ` · ${esc(s.vehicle.plate)}` : ''}</td><td>Driver 司机</td><td colspan="3">${esc(s.driver.name ?? '________')} ${esc(s.driver.phone ?? '')}</td></tr>
  <tr><td>From 起点</td><td>${esc(s.origin.name)} · depart ${esc(s.depart)}</td><td>Back 返回</td><td colspan="3">${esc(s.end.name)} · ${esc(s.return)} · ${s.distanceKm} km</td></tr>
  <tr><td>Load 装载</td><td colspan="5">ambient ${s.loadKg.ambient} kg · chilled ${s.loadKg.chilled} kg · frozen ${s.loadKg.frozen} kg</td></tr>
  <tr><td>Coolant 冷媒</td><td colspan="5"><b>${esc(coolantText(s.coolant))}</b> <small>${esc(s.coolantNote)}</small></td></tr>
</table>
${stops}
</body></html>
`;
}

/** Rows for a spreadsheet: one row per manifest line, with the stop's facts repeated. */
export function tripSheetRows(s: TripSheet): { header: string[]; rows: Array<Array<string | number>> } {
  const header = ['tripId', 'day', 'vehicle', 'plate', 'driver', 'stop', 'place', 'eta', 'window', 'loadKind', 'loadId', 'itemId', 'name', 'temperatureClass', 'quantity', 'unit', 'stopDryIceBags', 'stopIcePacks', 'receivedQuantity'];
  const rows: Array<Array<string | number>> = [];
  for (const st of s.stops)
    for (const m of st.manifest)
      rows.push([s.tripId, s.day, `${s.vehicle.typeName} (${s.vehicle.key})`, s.vehicle.plate ?? '', s.driver.name ?? '', st.seq, st.place, st.eta, st.window, st.loadKind, st.loadId, m.itemId, m.name, m.temperatureClass, m.quantity, m.unit, st.coolant.dryIceBags, st.coolant.icePacks, '']);
  return { header, rows };
}
