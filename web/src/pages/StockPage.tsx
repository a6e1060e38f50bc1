import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { inventoryApi, type StockSummary } from '../api/inventory.ts';
import { networkApi } from '../api/network.ts';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { NodeSelect, stockNodes } from '../components/NodeSelect.tsx';
import { Card, DataState, Kpi, Table, fmt } from '../components/ui.tsx';
import { useItemNames } from '../components/useItemNames.ts';
import { useLoad } from '../hooks.ts';
import { localName } from '../i18n/index.ts';

type LowRow = StockSummary['lowest'][number];

/**
 * Stock at one node: how many days each item lasts at the expected demand
 * (baseline or crisis surge), the items out of stock, the lowest cover, and lots
 * that expire in the next days. The server sums the node up
 * (`GET /api/inventory/summary`, a few kB) rather than sending every balance row.
 */
export function StockPage() {
  const { t, i18n } = useTranslation();
  const nodes = useLoad((s) => networkApi.nodes(s), []);
  const list = stockNodes(nodes.data?.nodes ?? []);
  const [nodeId, setNodeId] = useState('');
  const [demand, setDemand] = useState<'baseline' | 'surge'>('baseline');
  const node = nodeId || list.find((n) => n.kind === 'store')?.id || list[0]?.id || '';
  const summary = useLoad((s) => (node ? inventoryApi.summary({ nodeId: node, demand }, s) : Promise.resolve(undefined)), [node, demand]);
  const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const lots = useLoad((s) => (node ? inventoryApi.lots({ nodeId: node, expiringBefore: soon }, s) : Promise.resolve({ lots: [] })), [node, soon]);
  const names = useItemNames((lots.data?.lots ?? []).slice(0, 15).map((l) => l.itemId), i18n.language);

  const sum = summary.data;
  const low = sum?.lowest ?? [];
  const option: ChartOption = useMemo(() => {
    const buckets = sum?.coverHistogram ?? [];
    const labels = buckets.map((b) => (b.toDays === 0 ? '0' : b.toDays === null ? `>${b.fromDays}` : `${b.fromDays}–${b.toDays}`));
    return {
      tooltip: {},
      grid: { left: 6, right: 10, top: 10, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: labels, name: t('stock.days'), nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: buckets.map((b, i) => ({ value: b.count, itemStyle: { color: i <= 1 ? '#d23c3c' : i === 2 ? '#d98a00' : '#2e9d57' } })) }],
    };
  }, [sum, t]);

  return (
    <div className="page">
      <Card
        className="wide"
        title={t('stock.title')}
        testId="stock-card"
        actions={
          <>
            <NodeSelect nodes={list} value={node} onChange={setNodeId} testId="stock-node" />
            <div className="tabs">
              {(['baseline', 'surge'] as const).map((d) => (
                <button type="button" key={d} className={demand === d ? 'active' : ''} onClick={() => setDemand(d)}>
                  {t(`stock.demand.${d}`)}
                </button>
              ))}
            </div>
          </>
        }
      >
        <DataState state={summary} what={t('nav.stock')}>
          {(b) =>
            !b || b.items === 0 ? (
              <div className="note muted">{t('stock.empty')}</div>
            ) : (
              <div className="kpis" aria-busy={summary.loading}>
                <Kpi label={t('stock.items')} value={fmt.int(b.items)} />
                <Kpi label={t('stock.stockouts')} value={fmt.int(b.stockouts)} tone={b.stockouts > 0 ? 'bad' : 'good'} testId="kpi-stockouts" />
                <Kpi label={t('stock.under3')} value={fmt.int(b.underThreeDays)} tone="warn" />
                <Kpi label={t('stock.expiring')} value={fmt.int(b.expiringLots)} tone={b.expiringLots > 0 ? 'warn' : undefined} />
              </div>
            )
          }
        </DataState>
      </Card>
      {(sum?.items ?? 0) > 0 && (
        <>
          <Card title={t('stock.coverChart')}>
            <Chart option={option} height={220} testId="cover-chart" />
          </Card>
          <Card title={t('stock.lowest')}>
            <Table<LowRow>
              rows={low}
              columns={[
                { key: 'item', label: t('common.item'), render: (r) => localName(r) },
                { key: 'onHand', label: t('stock.onHand'), num: true, render: (r) => fmt.int(r.onHand) },
                { key: 'atp', label: t('stock.atp'), num: true, render: (r) => fmt.int(r.availableToPromise) },
                { key: 'dd', label: t('stock.dailyDemand'), num: true, render: (r) => fmt.dec(r.dailyDemand, 1) },
                { key: 'doc', label: t('stock.daysOfCover'), num: true, render: (r) => <span className={(r.daysOfCover ?? 0) < 1 ? 'bad-text' : ''}>{fmt.dec(r.daysOfCover, 1)}</span> },
              ]}
            />
          </Card>
        </>
      )}
      <Card title={t('stock.expiringTitle')}>
        <DataState state={lots}>
          {(d) => (
            <Table
              rows={d.lots}
              max={15}
              empty={t('stock.noExpiring')}
              columns={[
                { key: 'item', label: t('common.item'), render: (l) => names(l.itemId) },
                { key: 'lot', label: t('counts.lot'), render: (l) => l.lotCode },
                { key: 'exp', label: t('stock.expiry'), render: (l) => l.expiryDate ?? '–' },
                { key: 'q', label: t('stock.onHand'), num: true, render: (l) => fmt.int(l.onHand) },
              ]}
            />
          )}
        </DataState>
      </Card>
    </div>
  );
}
