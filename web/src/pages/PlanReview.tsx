import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { IncidentPlan } from '../api/incidents.ts';
import type { Node } from '../api/network.ts';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { Table, fmt } from '../components/ui.tsx';
import { localName } from '../i18n/index.ts';

/**
 * The proposed response: nodes that stop trading, zones that move and to whom,
 * zones nobody can serve, the load on each node before and after against its
 * capacity, and (when the server simulates) KPIs of "no response" against the plan.
 */
/** An i18n key for a simulation KPI name such as "refused: slot full". */
export const kpiKey = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

/** KPIs shown in the chart: shares on one 0-100 % scale. */
const CHART_KPIS = ['fill rate (all)', 'fill rate: key', 'fill rate: essential', 'essential stockout share'];

export function PlanReview(props: { plan: IncidentPlan; nodes: Node[]; simulating?: boolean }) {
  const { t } = useTranslation();
  const { plan } = props;
  const nodeName = (id: string | null) => (id ? localName(props.nodes.find((n) => n.id === id) ?? { id }) : t('map.unserved'));

  const loads = plan.nodeLoads.filter((l) => l.loadBefore > 0 || l.loadAfter > 0);
  const loadOption: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('incident.loadBefore'), t('incident.loadAfter'), t('incident.capacity')] },
      grid: { left: 6, right: 10, top: 28, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: loads.map((l) => nodeName(l.nodeId)), axisLabel: { interval: 0, fontSize: 10, width: 80, overflow: 'truncate' } },
      yAxis: { type: 'value', name: t('incident.ordersPerDay'), nameTextStyle: { fontSize: 10 } },
      series: [
        { name: t('incident.loadBefore'), type: 'bar', data: loads.map((l) => l.loadBefore), itemStyle: { color: '#b0b7c3' } },
        { name: t('incident.loadAfter'), type: 'bar', data: loads.map((l) => l.loadAfter), itemStyle: { color: '#2f6fd6' } },
        { name: t('incident.capacity'), type: 'line', data: loads.map((l) => l.dailyOrderCapacity), symbol: 'rect', lineStyle: { type: 'dashed', color: '#d23c3c' }, itemStyle: { color: '#d23c3c' } },
      ],
    }),
    [plan, t],
  );
  const chartKpis = plan.kpis.filter((k) => CHART_KPIS.includes(k.key));
  const kpiOption: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      legend: { data: [t('incident.noResponse'), t('incident.withPlan')], top: 0 },
      grid: { left: 8, right: 8, top: 30, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: chartKpis.map((k) => t(`kpi.${kpiKey(k.key)}`, { defaultValue: k.key })), axisLabel: { interval: 0, fontSize: 10, overflow: 'break', width: 64 } },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        { name: t('incident.noResponse'), type: 'bar', data: chartKpis.map((k) => Math.round(k.noResponse * 1000) / 10), itemStyle: { color: '#b0b7c3' } },
        { name: t('incident.withPlan'), type: 'bar', data: chartKpis.map((k) => Math.round(k.plan * 1000) / 10), itemStyle: { color: '#2f6fd6' } },
      ],
    }),
    // chartKpis derives from plan
    [plan, t],
  );
  // Rates and shares are fractions; the rest are counts or means.
  const kpiValue = (k: { key: string }, v: number) => (/rate|share/.test(k.key) ? fmt.pct(v, 1) : Number.isInteger(v) ? fmt.int(v) : fmt.dec(v, 1));

  return (
    <div className="stack" data-testid="plan-review">
      <h3>{t('incident.nodeChanges')}</h3>
      <Table
        rows={plan.nodeChanges}
        testId="node-changes"
        empty={t('incident.noNodeChanges')}
        columns={[
          { key: 'node', label: t('common.node'), render: (r) => nodeName(r.nodeId) },
          { key: 'change', label: t('common.status'), render: (r) => `${t(`status.${r.from}`)} → ${t(`status.${r.to}`)}` },
        ]}
      />
      {/* Known when the area was drawn here (the effects preview); a stored incident's plan does not carry it. */}
      {plan.ring.length > 0 && <div className="small muted">{t('incident.zonesInside', { n: plan.zonesInside })}</div>}
      {plan.stage !== 'preview' && (
        <>
          <h3>{t('incident.zoneMoves', { n: plan.zoneMoves.length })}</h3>
          <Table
            rows={plan.zoneMoves}
            max={8}
            testId="zone-moves"
            empty={t('incident.noZoneMoves')}
            columns={[
              { key: 'zone', label: t('common.zone'), render: (r) => t('planEdit.zoneN', { n: plan.zoneMoves.indexOf(r) + 1, orders: fmt.int(r.ordersPerDay) }) },
              { key: 'from', label: t('common.from'), render: (r) => nodeName(r.from) },
              { key: 'to', label: t('common.to'), render: (r) => nodeName(r.to) },
              { key: 'd', label: t('incident.distance'), num: true, render: (r) => fmt.km(r.distanceM) },
            ]}
          />
          {plan.unservedZones.length > 0 && (
            <div className="note warn" data-testid="unserved">
              {t('incident.unserved', { n: plan.unservedZones.length })}:{' '}
              {[...new Set(plan.unservedZones.map((z) => t(`reason.${z.reason}`, { defaultValue: z.reason })))].join('; ')}
            </div>
          )}
          {loads.length > 0 && (
            <>
              <h3>{t('incident.loads')}</h3>
              <Chart option={loadOption} height={210} testId="load-chart" />
            </>
          )}
          {plan.summary.length > 0 && (
            <dl className="facts">
              {plan.summary.map((s) => (
                <div key={s.key}>
                  <dt>{t(`summary.${s.key}`, { defaultValue: s.key })}</dt>
                  <dd>{typeof s.value === 'number' ? fmt.int(s.value) : s.value}</dd>
                </div>
              ))}
            </dl>
          )}
          {plan.solver && (
            <div className="small muted">
              {t('incident.solver', { method: plan.solver.method, status: plan.solver.status, s: plan.solver.timeS.toFixed(1) })}
              {plan.solver.fallbackReason && ` · ${plan.solver.fallbackReason}`}
            </div>
          )}
        </>
      )}
      {plan.partFacts.length > 0 && (
        <dl className="facts" data-testid="plan-parts">
          {plan.partFacts.map((f) => (
            <div key={`${f.part}.${f.key}`}>
              <dt>{t(`part.${f.part}.${f.key}`, { defaultValue: `${f.part} ${f.key}` })}</dt>
              <dd>{typeof f.value === 'number' ? fmt.int(f.value) : f.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {plan.noteCodes && plan.noteCodes.length > 0 ? (
        <ul className="small muted" data-testid="plan-notes">
          {plan.noteCodes.map((n, i) => (
            <li key={i}>{t(`planNote.${n.code}`, { ...n.params, node: n.params.node !== undefined ? localName({ nameZh: String(n.params.node), nameEn: String(n.params.nodeEn ?? n.params.node) }) : '', defaultValue: plan.notes[i] ?? n.code })}</li>
          ))}
        </ul>
      ) : (
        plan.notes.length > 0 && <div className="small muted">{plan.notes.join(' · ')}</div>
      )}
      {props.simulating && <div className="note info small">{t('incident.simulating')}</div>}
      {plan.kpis.length > 0 && (
        <>
          <h3>{t('incident.kpis', { days: plan.simulationDays ?? '' })}</h3>
          {chartKpis.length > 0 && <Chart option={kpiOption} height={220} testId="kpi-chart" />}
          <Table
            rows={plan.kpis}
            testId="kpi-table"
            columns={[
              { key: 'k', label: t('incident.kpi'), render: (k) => t(`kpi.${kpiKey(k.key)}`, { defaultValue: k.key }) },
              { key: 'a', label: t('incident.noResponse'), num: true, render: (k) => kpiValue(k, k.noResponse) },
              { key: 'b', label: t('incident.withPlan'), num: true, render: (k) => kpiValue(k, k.plan) },
              {
                key: 'd',
                label: 'Δ',
                num: true,
                render: (k) => {
                  const d = k.plan - k.noResponse;
                  const cls = k.better === 'plan' ? 'good-text' : k.better === 'none' ? 'bad-text' : '';
                  return <span className={cls}>{(d > 0 ? '+' : '') + kpiValue(k, d)}</span>;
                },
              },
            ]}
          />
        </>
      )}
    </div>
  );
}
