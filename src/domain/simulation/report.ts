/** A self-contained HTML report of a simulation comparison (KPI table, per-day figures, SVG charts). */
import type { SimReport } from './engine.ts';
import type { ComparisonRow } from './kpi.ts';

/**
 * A self-contained HTML report of a comparison: the KPI table, per-day figures,
 * and inline SVG charts of fill rate and essential stock over time. No scripts,
 * no fonts, no CDN: it opens offline and prints.
 */
export function htmlReport(a: SimReport, b: SimReport, rows: ComparisonRow[], title = `${a.scenario}: ${a.policy} vs ${b.policy}`): string {
  const fillA = fillSeries(a);
  const fillB = fillSeries(b);
  const stockA = a.hourly.map((p) => ({ x: p.hour, y: p.essentialOnHand }));
  const stockB = b.hourly.map((p) => ({ x: p.hour, y: p.essentialOnHand }));
  const outA = a.hourly.map((p) => ({ x: p.hour, y: p.essentialStockoutShare * 100 }));
  const outB = b.hourly.map((p) => ({ x: p.hour, y: p.essentialStockoutShare * 100 }));
  const days = a.days;
  const fmt = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(v < 1 ? 4 : 1));
  const totalsA = a.perDay.filter((r) => r.nodeId === '(all)');
  const totalsB = b.perDay.filter((r) => r.nodeId === '(all)');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}.b{color:#0a7a2f;font-weight:600}.a{color:#b3261e}
.legend span{display:inline-block;margin-right:16px}.sw{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:4px}
small{color:#666}
</style></head><body>
<h1>${esc(title)}</h1>
<p><small>seed ${a.seed} · ${days} days from ${esc(a.startDate)} · stock book: ${a.stock} · ${a.stats.orders.toLocaleString('en-US')} orders per run · A = ${esc(a.policy)}, B = ${esc(b.policy)}</small></p>
<h2>KPIs</h2>
<table><tr><th>KPI</th><th>A: ${esc(a.policy)}</th><th>B: ${esc(b.policy)}</th><th>B − A</th></tr>
${rows.map((r) => `<tr><td>${esc(r.kpi)}</td><td>${fmt(r.a)}</td><td>${fmt(r.b)}</td><td class="${r.better ?? ''}">${fmt(r.delta)}</td></tr>`).join('\n')}
</table>
<h2>Fill rate by hour (units filled / units asked)</h2>
${legend(a.policy, b.policy)}
${lineChart([fillA, fillB], { yMax: 100, yLabel: '%', days })}
<h2>Essential stock on hand at the delivery nodes (units)</h2>
${legend(a.policy, b.policy)}
${lineChart([stockA, stockB], { yLabel: 'units', days })}
<h2>Essential items out of stock (% of items, trading nodes)</h2>
${legend(a.policy, b.policy)}
${lineChart([outA, outB], { yMax: 100, yLabel: '%', days })}
<h2>Per day</h2>
<table><tr><th>day</th><th>date</th><th>orders</th><th>served A</th><th>served B</th><th>fill A</th><th>fill B</th><th>cover A (days)</th><th>cover B (days)</th><th>trips B</th><th>coolant B</th><th>staff-hours B</th></tr>
${totalsA.map((r, k) => {
    const s = totalsB[k];
    return `<tr><td>${r.day}</td><td>${r.date}</td><td>${fmt(r.ordersPlaced)}</td><td>${fmt(r.ordersServed)}</td><td>${fmt(s.ordersServed)}</td><td>${pct(r.fillRate.all)}</td><td>${pct(s.fillRate.all)}</td><td>${fmt(r.essentialDaysOfCover)}</td><td>${fmt(s.essentialDaysOfCover)}</td><td>${fmt(s.coldTrips + s.ambientTrips)}</td><td>${fmt(s.coolantPacks)}</td><td>${fmt(s.staffHours)}</td></tr>`;
  }).join('\n')}
</table>
<h2>What B did</h2>
<table><tr><th>when</th><th>action</th><th>why</th></tr>
${b.log.map((l) => `<tr><td>day ${Math.floor(l.atS / 86400)} ${clock(l.atS)}</td><td>${esc(l.kind)}</td><td style="text-align:left">${esc(l.reason)}</td></tr>`).join('\n')}
</table>
</body></html>
`;
}

const COLOURS = ['#b3261e', '#1a5fb4'];

function legend(a: string, b: string): string {
  return `<p class="legend"><span><i class="sw" style="background:${COLOURS[0]}"></i>A: ${esc(a)}</span><span><i class="sw" style="background:${COLOURS[1]}"></i>B: ${esc(b)}</span></p>`;
}

function fillSeries(r: SimReport): Array<{ x: number; y: number | null }> {
  return r.hourly.map((p) => ({ x: p.hour, y: p.unitsRequested > 0 ? (100 * p.unitsFilled) / p.unitsRequested : null }));
}

function lineChart(series: Array<Array<{ x: number; y: number | null }>>, o: { yMax?: number; yLabel: string; days: number }): string {
  const W = 1000;
  const Hh = 260;
  const L = 60;
  const R = 10;
  const T = 10;
  const B = 30;
  const xMax = o.days * 24;
  const yMaxRaw = o.yMax ?? Math.max(1, ...series.flatMap((s) => s.map((p) => p.y ?? 0)));
  const yMax = o.yMax ?? niceCeil(yMaxRaw);
  const sx = (x: number) => L + ((W - L - R) * x) / xMax;
  const sy = (y: number) => T + (Hh - T - B) * (1 - y / yMax);
  const grid: string[] = [];
  for (let d = 0; d <= o.days; d++) {
    grid.push(`<line x1="${sx(d * 24)}" y1="${T}" x2="${sx(d * 24)}" y2="${Hh - B}" stroke="#ddd"/>`);
    if (d < o.days) grid.push(`<text x="${sx(d * 24 + 12)}" y="${Hh - 10}" font-size="11" text-anchor="middle">day ${d}</text>`);
  }
  for (let k = 0; k <= 4; k++) {
    const y = (yMax * k) / 4;
    grid.push(`<line x1="${L}" y1="${sy(y)}" x2="${W - R}" y2="${sy(y)}" stroke="#eee"/><text x="${L - 6}" y="${sy(y) + 4}" font-size="11" text-anchor="end">${Math.round(y).toLocaleString('en-US')}</text>`);
  }
  const paths = series.map((s, k) => {
    let d = '';
    let pen = false;
    for (const p of s) {
      if (p.y === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(p.x + 0.5).toFixed(1)},${sy(Math.min(p.y, yMax)).toFixed(1)}`;
      pen = true;
    }
    return `<path d="${d}" fill="none" stroke="${COLOURS[k]}" stroke-width="1.6"/>`;
  });
  return `<svg viewBox="0 0 ${W} ${Hh}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">${grid.join('')}<text x="12" y="${T + 10}" font-size="11">${esc(o.yLabel)}</text>${paths.join('')}</svg>`;
}

function niceCeil(v: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function clock(s: number): string {
  const m = Math.floor((s % 86400) / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
