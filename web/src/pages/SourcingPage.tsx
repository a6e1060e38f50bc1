import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi } from '../api/network.ts';
import { planningApi, type SourcingLine, type SourcingPlan } from '../api/planning.ts';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { Badge, Card, DataState, ErrorNote, Kpi, Table, fmt } from '../components/ui.tsx';
import { useItemNames } from '../components/useItemNames.ts';
import { useLoad } from '../hooks.ts';
import { localName } from '../i18n/index.ts';

const KINDS = ['transfer', 'supplier_order', 'diversion'] as const;
const KIND_COLOR: Record<string, string> = { transfer: '#2f6fd6', supplier_order: '#d98a00', diversion: '#7570b3' };

/**
 * The sourcing plan: where the stock for each receiving node comes from —
 * transfers between the chain's nodes, supplier orders (normal or expedited) and
 * DC diversions — each line with the reason the planner chose it, and the
 * shortages it could not cover.
 */
export function SourcingPage() {
  const { t } = useTranslation();
  const plans = useLoad((s) => planningApi.plans(s), []);
  const [selected, setSelected] = useState('');
  const id = selected || plans.data?.plans[0]?.id || '';
  const plan = useLoad((s) => (id ? planningApi.plan(id, s) : Promise.resolve(undefined)), [id]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      plans.reload();
      plan.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <Card
        className="wide"
        title={t('sourcing.title')}
        testId="sourcing-card"
        actions={
          <>
            {plans.data && plans.data.plans.length > 0 && (
              <select value={id} onChange={(e) => setSelected(e.target.value)} aria-label={t('sourcing.plan')}>
                {plans.data.plans.map((p) => (
                  <option key={p.id} value={p.id}>
                    {fmt.time(p.createdAt)} · {t(`sourcing.status.${p.status}`, { defaultValue: p.status })}
                  </option>
                ))}
              </select>
            )}
            <button type="button" disabled={busy} onClick={() => void run(async () => setSelected((await planningApi.draft()).id))}>
              {busy ? t('incident.planning') : t('sourcing.draft')}
            </button>
          </>
        }
      >
        <ErrorNote error={error} />
        <DataState state={plans} what={t('nav.sourcing')}>
          {(d) => (d.plans.length === 0 ? <div className="note muted">{t('sourcing.none')}</div> : null)}
        </DataState>
        {plan.data && <PlanHead plan={plan.data} busy={busy} onApply={() => void run(() => planningApi.apply(plan.data!.id))} />}
      </Card>
      {plan.data && <PlanLines plan={plan.data} />}
    </div>
  );
}

function PlanHead(props: { plan: SourcingPlan; busy: boolean; onApply: () => void }) {
  const { t } = useTranslation();
  const { plan } = props;
  const s = plan.summary;
  const units = (k: string) => plan.lines.filter((l) => l.kind === k).reduce((a, l) => a + l.quantity, 0);
  return (
    <div className="stack">
      <div className="row">
        <Badge tone={plan.status === 'applied' ? 'good' : plan.status === 'draft' ? 'info' : ''}>{t(`sourcing.status.${plan.status}`, { defaultValue: plan.status })}</Badge>
        <span className="small muted">
          {String(s.method ?? '')} · {fmt.time(plan.createdAt)}
        </span>
        {plan.status === 'draft' && (
          <button type="button" className="primary" disabled={props.busy} onClick={props.onApply} data-testid="apply-sourcing">
            {t('sourcing.apply')}
          </button>
        )}
      </div>
      <div className="kpis">
        <Kpi label={t('sourcing.kind.transfer')} value={fmt.int(units('transfer'))} hint={t('sourcing.units')} />
        <Kpi label={t('sourcing.kind.supplier_order')} value={fmt.int(units('supplier_order'))} hint={t('sourcing.units')} />
        <Kpi label={t('sourcing.kind.diversion')} value={fmt.int(units('diversion'))} hint={t('sourcing.units')} />
        <Kpi label={t('sourcing.cost')} value={fmt.yuan(s.costFen)} hint={`${t('sourcing.premium')} ${fmt.yuan(s.premiumFen)}`} />
        <Kpi label={t('sourcing.shortUnits')} value={fmt.int(s.shortageUnits ?? plan.shortages.reduce((a, x) => a + x.shortUnits, 0))} tone={plan.shortages.length > 0 ? 'bad' : 'good'} />
      </div>
      {plan.warnings.length > 0 && <div className="note warn small">{plan.warnings.join(' · ')}</div>}
    </div>
  );
}

function PlanLines(props: { plan: SourcingPlan }) {
  const { t, i18n } = useTranslation();
  const nodes = useLoad((s) => networkApi.nodes(s), []);
  const nodeName = (id: string | null) => (id ? localName(nodes.data?.nodes.find((n) => n.id === id) ?? { id }) : '–');
  const suppliers = useLoad((s) => planningApi.suppliers(s), []);
  const supplierName = (id: string | null) => (id ? (suppliers.data?.suppliers.find((x) => x.id === id)?.name ?? id) : '');
  const [kind, setKind] = useState<string>('transfer');
  const [node, setNode] = useState('');
  const { plan } = props;
  const receivers = useMemo(() => [...new Set(plan.lines.map((l) => l.toNodeId))].sort(), [plan]);
  const rows = plan.lines.filter((l) => l.kind === kind && (!node || l.toNodeId === node));
  const names = useItemNames([...rows.slice(0, 40).map((l) => l.itemId), ...plan.shortages.slice(0, 20).map((x) => x.itemId)], i18n.language);

  const option: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 6, right: 10, top: 28, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: receivers.map(nodeName), axisLabel: { interval: 0, fontSize: 10, width: 80, overflow: 'truncate' } },
      yAxis: { type: 'value', name: t('sourcing.units') },
      series: KINDS.map((k) => ({
        name: t(`sourcing.kind.${k}`),
        type: 'bar',
        stack: 'units',
        itemStyle: { color: KIND_COLOR[k] },
        data: receivers.map((r) => plan.lines.filter((l) => l.kind === k && l.toNodeId === r).reduce((a, l) => a + l.quantity, 0)),
      })),
    }),
    // nodeName depends on nodes
    [plan, receivers, t, nodes.data],
  );

  return (
    <>
      <Card className="wide" title={t('sourcing.byReceiver')}>
        <Chart option={option} height={240} testId="sourcing-chart" />
      </Card>
      <Card
        className="wide"
        title={t('sourcing.lines')}
        actions={
          <>
            <div className="tabs">
              {KINDS.map((k) => (
                <button key={k} type="button" className={kind === k ? 'active' : ''} onClick={() => setKind(k)}>
                  {t(`sourcing.kind.${k}`)} ({plan.lines.filter((l) => l.kind === k).length})
                </button>
              ))}
            </div>
            <select value={node} onChange={(e) => setNode(e.target.value)} aria-label={t('common.node')}>
              <option value="">{t('common.all')}</option>
              {receivers.map((r) => (
                <option key={r} value={r}>
                  {nodeName(r)}
                </option>
              ))}
            </select>
          </>
        }
      >
        <Table<SourcingLine>
          rows={rows}
          max={40}
          rowKey={(l) => String(l.lineNo)}
          testId="sourcing-lines"
          columns={[
            { key: 'item', label: t('common.item'), render: (l) => names(l.itemId) },
            { key: 'from', label: t('common.from'), render: (l) => (l.kind === 'supplier_order' ? `${supplierName(l.supplierId)}${l.expedited ? ` (${t('sourcing.expedited')})` : ''}` : l.kind === 'diversion' ? `${l.shipmentId ?? ''} ← ${nodeName(l.originalNodeId)}` : nodeName(l.fromNodeId)) },
            { key: 'to', label: t('common.to'), render: (l) => nodeName(l.toNodeId) },
            { key: 'q', label: t('common.quantity'), num: true, render: (l) => fmt.int(l.quantity) },
            { key: 'eta', label: t('sourcing.arrivesIn'), num: true, render: (l) => `${l.arrivalH.toFixed(1)} h` },
            { key: 'cost', label: t('sourcing.cost'), num: true, render: (l) => fmt.yuan(l.costFen) },
            {
              key: 'reason',
              label: t('common.reason'),
              render: (l) => {
                // Codes with parameters from the planner; node ids become names. The English text is the fallback.
                const text = l.reasonCodes
                  ? l.reasonCodes
                      .map((c) => t(`sourcingReason.${c.code}`, { ...c.params, node: c.params.nodeId !== undefined ? nodeName(String(c.params.nodeId)) : '', from: c.params.fromNodeId !== undefined ? nodeName(String(c.params.fromNodeId)) : '', defaultValue: '' }))
                      .filter(Boolean)
                      .join(' ')
                  : l.reason;
                return (
                  <span className="reason" title={text || l.reason}>
                    {text || l.reason}
                  </span>
                );
              },
            },
          ]}
        />
      </Card>
      <Card className="wide" title={t('sourcing.shortages', { n: plan.shortages.length })}>
        <Table
          rows={plan.shortages}
          max={30}
          empty={t('sourcing.noShortage')}
          columns={[
            { key: 'node', label: t('common.node'), render: (x) => nodeName(x.nodeId) },
            { key: 'item', label: t('common.item'), render: (x) => names(x.itemId) },
            { key: 'need', label: t('sourcing.need'), num: true, render: (x) => fmt.int(x.needUnits) },
            { key: 'short', label: t('sourcing.short'), num: true, render: (x) => <span className="bad-text">{fmt.int(x.shortUnits)}</span> },
            { key: 'reason', label: t('common.reason'), render: (x) => <span className="reason" title={x.reason}>{x.reason}</span> },
          ]}
        />
      </Card>
    </>
  );
}
