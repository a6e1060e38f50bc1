import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi } from '../api/network.ts';
import { beijingDay } from '../api/orders.ts';
import { reconciliationApi, type ReconciliationLine } from '../api/reconciliation.ts';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { Badge, Card, DataState, Kpi, Table, fmt } from '../components/ui.tsx';
import { useLoad } from '../hooks.ts';
import { localName } from '../i18n/index.ts';

/**
 * The nightly reconciliation the seed's staff did by hand until 03:00: per node,
 * what was asked for, sent, received, sold, written off and counted on a day, and
 * every difference with its reason.
 */
export function ReconciliationPage() {
  const { t } = useTranslation();
  const incidents = useLoad((s) => reconciliationApi.incidents(s), []);
  const nodes = useLoad((s) => networkApi.nodes(s), []);
  const [incidentId, setIncidentId] = useState('');
  const [day, setDay] = useState(beijingDay());
  // Only incidents that were applied have anything to reconcile (a declared, drafted or discarded one moved no stock).
  const reconcilable = (incidents.data?.incidents ?? []).filter((i) => i.status === 'applied' || i.status === 'lifted');
  const id = incidentId || reconcilable[0]?.id || '';
  const rec = useLoad((s) => (id ? reconciliationApi.day(id, day, s) : Promise.resolve(undefined)), [id, day]);
  const nodeName = (n: string) => localName(nodes.data?.nodes.find((x) => x.id === n) ?? { id: n });
  const lines = rec.data?.lines ?? [];

  const option: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 6, right: 10, top: 28, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: lines.map((l) => nodeName(l.nodeId)), axisLabel: { interval: 0, fontSize: 10, width: 70, overflow: 'truncate' } },
      yAxis: { type: 'value', name: t('reconciliation.units') },
      series: (['asked', 'sent', 'received', 'sold'] as const).map((k) => ({ name: t(`reconciliation.${k}`), type: 'bar', data: lines.map((l) => l[k]) })),
    }),
    // nodeName depends on nodes
    [lines, t, nodes.data],
  );

  return (
    <div className="page">
      <Card
        className="wide"
        title={t('reconciliation.title')}
        testId="reconciliation-card"
        actions={
          <>
            {reconcilable.length > 0 && (
              <select value={id} onChange={(e) => setIncidentId(e.target.value)} aria-label={t('reconciliation.incident')}>
                {reconcilable.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                  </option>
                ))}
              </select>
            )}
            <input type="date" value={day} onChange={(e) => setDay(e.target.value)} aria-label={t('common.date')} />
          </>
        }
      >
        <DataState state={incidents} what={t('nav.reconciliation')}>
          {() =>
            reconcilable.length === 0 ? (
              <div className="note muted">{t('reconciliation.noIncident')}</div>
            ) : (
              <DataState state={rec}>
                {(r) =>
                  r ? (
                    <div className="kpis">
                      <Kpi label={t('reconciliation.nodes')} value={fmt.int(r.lines.length)} />
                      <Kpi label={t('reconciliation.differences')} value={fmt.int(r.differences)} tone={r.differences > 0 ? 'bad' : 'good'} testId="kpi-differences" />
                      <Kpi label={t('reconciliation.received')} value={fmt.int(r.lines.reduce((a, l) => a + l.received, 0))} />
                      <Kpi label={t('reconciliation.sold')} value={fmt.int(r.lines.reduce((a, l) => a + l.sold, 0))} />
                    </div>
                  ) : null
                }
              </DataState>
            )
          }
        </DataState>
      </Card>
      {lines.length > 0 && (
        <>
          <Card className="wide" title={t('reconciliation.flows')}>
            <Chart option={option} height={240} />
          </Card>
          <Card className="wide" title={t('reconciliation.perNode')}>
            <Table<ReconciliationLine>
              rows={lines}
              rowKey={(l) => l.nodeId}
              columns={[
                { key: 'node', label: t('common.node'), render: (l) => nodeName(l.nodeId) },
                { key: 'asked', label: t('reconciliation.asked'), num: true, render: (l) => fmt.int(l.asked) },
                { key: 'sent', label: t('reconciliation.sent'), num: true, render: (l) => fmt.int(l.sent) },
                { key: 'received', label: t('reconciliation.received'), num: true, render: (l) => fmt.int(l.received) },
                { key: 'sold', label: t('reconciliation.sold'), num: true, render: (l) => fmt.int(l.sold) },
                { key: 'writtenOff', label: t('reconciliation.writtenOff'), num: true, render: (l) => fmt.int(l.writtenOff) },
                { key: 'counted', label: t('reconciliation.countedDelta'), num: true, render: (l) => fmt.int(l.countedDelta) },
                {
                  key: 'diff',
                  label: t('reconciliation.differences'),
                  render: (l) =>
                    l.differences.length === 0 ? (
                      <Badge tone="good">{t('reconciliation.ok')}</Badge>
                    ) : (
                      <span className="reason">{l.differences.map((d) => `${t(`reconciliation.kind.${d.kind}`, { defaultValue: d.kind })}: ${d.quantity}`).join('; ')}</span>
                    ),
                },
              ]}
            />
          </Card>
        </>
      )}
    </div>
  );
}
