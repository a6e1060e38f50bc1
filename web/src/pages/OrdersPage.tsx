import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi } from '../api/network.ts';
import { beijingDay, ordersApi, type PlacementAnswer } from '../api/orders.ts';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { Card, DataState, ErrorNote, Kpi, Table, fmt } from '../components/ui.tsx';
import { useLoad } from '../hooks.ts';
import { localName } from '../i18n/index.ts';
import { ItemPicker } from '../components/ItemPicker.tsx';
import { PlaceSearch } from '../components/PlaceSearch.tsx';
import { checkLatitude, checkLongitude, checkWhole } from '../forms.ts';

const DELIVERY_KINDS = new Set(['store', 'satellite_warehouse', 'emergency_warehouse']);

/** Refusals seen by this screen, kept in the browser so they survive a reload. */
function loadRefusals(): Record<string, number> {
  try {
    return JSON.parse(localStorage.getItem('baogong.refusals') ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * Orders: per node and day, orders booked in each delivery slot against its
 * capacity, the ordering window and backlog; a form to place an order (routed by
 * address on the server); refusals by reason; the latest orders.
 */
export function OrdersPage() {
  const { t } = useTranslation();
  const nodes = useLoad((s) => networkApi.nodes(s), []);
  const deliveryNodes = (nodes.data?.nodes ?? []).filter((n) => DELIVERY_KINDS.has(n.kind) && n.dailyOrderCapacity > 0 && Math.abs(n.lat - 39.79) < 0.1);
  const [nodeId, setNodeId] = useState('');
  const [day, setDay] = useState(beijingDay());
  // Default: a trading node that has delivery slots that day.
  const allSlots = useLoad((s) => ordersApi.slots({ day }, s), [day]);
  const withSlots = new Set((allSlots.data?.windows ?? []).map((w) => w.nodeId));
  const trading = (n: { status: string }) => n.status === 'open' || n.status === 'online_only';
  const node =
    deliveryNodes.find((n) => n.id === nodeId) ??
    deliveryNodes.find((n) => trading(n) && withSlots.has(n.id)) ??
    deliveryNodes.find(trading) ??
    deliveryNodes[0];
  const slots = useLoad((s) => (node ? ordersApi.slots({ nodeId: node.id, day }, s) : Promise.resolve(undefined)), [node?.id, day]);
  const orders = useLoad((s) => ordersApi.orders({ day, limit: 20 }, s), [day]);
  const [refusals, setRefusals] = useState(loadRefusals);

  const slotRows = slots.data?.slots ?? [];
  const win = slots.data?.windows?.[0];
  const option: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('orders.booked'), t('orders.capacity')] },
      grid: { left: 6, right: 10, top: 28, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: slotRows.map((s) => fmt.hm(s.startAt)) },
      yAxis: { type: 'value' },
      series: [
        { name: t('orders.booked'), type: 'bar', data: slotRows.map((s) => ({ value: s.booked, itemStyle: { color: s.full ? '#d23c3c' : '#2f6fd6' } })) },
        { name: t('orders.capacity'), type: 'line', step: 'middle', data: slotRows.map((s) => s.capacity), lineStyle: { type: 'dashed', color: '#d98a00' }, itemStyle: { color: '#d98a00' }, symbol: 'none' },
      ],
    }),
    [slotRows, t],
  );
  const refusalOption: ChartOption = useMemo(() => {
    const entries = Object.entries(refusals).sort((a, b) => b[1] - a[1]);
    return {
      tooltip: {},
      grid: { left: 6, right: 16, top: 6, bottom: 4, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: entries.map(([k]) => t(`refusal.${k}`, { defaultValue: k })), inverse: true },
      series: [{ type: 'bar', data: entries.map(([, v]) => v), itemStyle: { color: '#d98a00' } }],
    };
  }, [refusals, t]);

  const onAnswer = (a: PlacementAnswer) => {
    const next = { ...refusals };
    const codes = [...(a.status === 'rejected' && a.code ? [a.code] : []), ...a.rejectedLines.map((r) => r.code)];
    for (const c of codes) next[c] = (next[c] ?? 0) + 1;
    setRefusals(next);
    localStorage.setItem('baogong.refusals', JSON.stringify(next));
    slots.reload();
    orders.reload();
  };

  return (
    <div className="page">
      <Card
        className="wide"
        title={t('orders.slotsTitle')}
        testId="slots-card"
        actions={
          <>
            <select value={node?.id ?? ''} onChange={(e) => setNodeId(e.target.value)} data-testid="orders-node" aria-label={t('common.node')}>
              {deliveryNodes.map((n) => (
                <option key={n.id} value={n.id}>
                  {localName(n)}
                </option>
              ))}
            </select>
            <select value={day} onChange={(e) => setDay(e.target.value)} aria-label={t('common.date')}>
              <option value={beijingDay()}>{t('orders.today')} {beijingDay()}</option>
              <option value={beijingDay(1)}>{t('orders.tomorrow')} {beijingDay(1)}</option>
            </select>
          </>
        }
      >
        <DataState state={slots} what={t('nav.orders')}>
          {(v) =>
            !v || v.slots.length === 0 ? (
              <div className="note muted">{t('orders.noSlots')}</div>
            ) : (
              <>
                <div className="kpis">
                  <Kpi label={t('orders.dayCapacity')} value={fmt.int(win?.dayCapacity)} />
                  <Kpi label={t('orders.booked')} value={fmt.int(win?.booked)} testId="kpi-booked" />
                  <Kpi label={t('orders.remaining')} value={fmt.int(win?.remaining)} tone={win && win.remaining === 0 ? 'bad' : 'good'} />
                  <Kpi label={t('orders.backlog')} value={fmt.int(v.backlog)} tone={v.backlog > 0 ? 'warn' : undefined} />
                  <Kpi label={t('orders.window')} value={win ? `${fmt.hm(win.opensAt)}–${win.closesAt ? fmt.hm(win.closesAt) : ''}` : '–'} />
                  <Kpi label={t('orders.soldOut')} value={fmt.int(v.soldOutItems?.length ?? 0)} tone={(v.soldOutItems?.length ?? 0) > 0 ? 'bad' : undefined} />
                </div>
                <Chart option={option} height={230} testId="slots-chart" />
              </>
            )
          }
        </DataState>
      </Card>
      {node && <PlaceOrder key={node.id} nodes={nodes.data?.nodes ?? []} nodeLat={node.lat} nodeLng={node.lng} slots={slotRows.filter((s) => !s.full && new Date(s.endAt).getTime() > Date.now())} onAnswer={onAnswer} />}
      <Card title={t('orders.refusalsTitle')} testId="refusals-card">
        {Object.keys(refusals).length === 0 ? <div className="note muted">{t('orders.noRefusals')}</div> : <Chart option={refusalOption} height={180} />}
        <div className="small muted">{t('orders.refusalsNote')}</div>
      </Card>
      <Card className="wide" title={t('orders.latest')}>
        <DataState state={orders} what={t('nav.orders')}>
          {(d) => (
            <Table
              rows={d.orders}
              testId="orders-table"
              rowKey={(o) => o.id}
              columns={[
                { key: 'placedAt', label: t('orders.placedAt'), render: (o) => fmt.time(o.placedAt) },
                { key: 'customerId', label: t('orders.customer') },
                { key: 'nodeId', label: t('common.node'), render: (o) => localName(deliveryNodes.find((n) => n.id === o.nodeId) ?? { id: o.nodeId }) },
                { key: 'slot', label: t('orders.slot'), render: (o) => fmt.time(o.slotStart) },
                { key: 'lines', label: t('orders.lines'), num: true, render: (o) => o.lines.reduce((s, l) => s + l.quantity, 0) },
                { key: 'status', label: t('common.status'), render: (o) => t(`orderStatus.${o.status}`, { defaultValue: o.status }) },
              ]}
            />
          )}
        </DataState>
      </Card>
    </div>
  );
}

function PlaceOrder(props: { nodes: Array<{ id: string; nameZh?: string; nameEn?: string }>; nodeLat: number; nodeLng: number; slots: Array<{ startAt: string; endAt: string; remaining: number }>; onAnswer: (a: PlacementAnswer) => void }) {
  const { t } = useTranslation();
  const [customerId, setCustomerId] = useState(() => `web-${Math.floor(Math.random() * 1e6)}`);
  const [lat, setLat] = useState(() => (props.nodeLat + 0.004).toFixed(5));
  const [lng, setLng] = useState(() => (props.nodeLng + 0.003).toFixed(5));
  // Quantities are kept as typed and checked on submit: "-3" is refused with a message, never turned into 1.
  const [lines, setLines] = useState<Array<{ itemId: string; name: string; quantity: string }>>([]);
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const [slot, setSlot] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [answer, setAnswer] = useState<PlacementAnswer | null>(null);
  const slotStart = slot || props.slots[0]?.startAt || '';

  // The answer in the screen's language, from its codes and figures (the server's English
  // message stays the fallback for a code this screen does not know).
  const nodeName = (id: string) => localName(props.nodes.find((n) => n.id === id) ?? { id });
  const lineName = (itemId: string) => lines.find((l) => l.itemId === itemId)?.name ?? itemId;
  const lineText = (r: PlacementAnswer['rejectedLines'][number]) => {
    if (r.code === 'insufficient_stock' && r.available !== undefined) return t('orderAnswer.insufficient_stock', { available: r.available, quantity: r.quantity });
    if (r.code === 'over_purchase_limit' && r.limitRemaining !== undefined) return t('orderAnswer.over_purchase_limit', { left: r.limitRemaining, quantity: r.quantity });
    return t(`orderAnswer.${r.code}`, { defaultValue: r.message });
  };
  const answerText = (a: PlacementAnswer) => {
    const where = [...new Set(a.orders.map((o) => nodeName(o.nodeId)))].join(' + ');
    const total = a.orders.reduce((n, o) => n + o.lines.length, 0) + a.rejectedLines.length;
    if (a.status === 'accepted') return t('orderAnswer.accepted', { n: total, where });
    if (a.status === 'partially_accepted') return t('orderAnswer.partially_accepted', { ok: total - a.rejectedLines.length, n: total, where });
    const refusal = a.nodeRefusals[0];
    if (a.code === 'node_not_trading' && refusal) return t('orderAnswer.node_not_trading', { node: nodeName(refusal.nodeId), more: a.nodeRefusals.length > 1 ? t('orderAnswer.noBackup') : '' });
    if (a.rejectedLines.length > 0) return t('orderAnswer.rejectedLines', { n: a.rejectedLines.length });
    return a.code ? t(`orderAnswer.${a.code}`, { defaultValue: a.message, node: refusal ? nodeName(refusal.nodeId) : '', more: '' }) : a.message;
  };
  return (
    <Card title={t('orders.placeTitle')} testId="place-order">
      <form
        className="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          // Check every field before sending: the message names the field and what was typed.
          const problems: Record<string, string> = {};
          const la = checkLatitude(lat, t('form.latitude'));
          const lo = checkLongitude(lng, t('form.longitude'));
          if (!la.ok) problems.lat = t(la.key, la.params);
          if (!lo.ok) problems.lng = t(lo.key, lo.params);
          const quantities = lines.map((l) => checkWhole(l.quantity, `${t('common.quantity')} (${l.name})`, 1));
          quantities.forEach((q, i) => {
            if (!q.ok) problems[`q-${lines[i].itemId}`] = t(q.key, q.params);
          });
          if (!slotStart) problems.slot = t('form.required', { field: t('orders.slot') });
          setInvalid(problems);
          if (!la.ok || !lo.ok || Object.keys(problems).length > 0) return;
          setBusy(true);
          setError(undefined);
          setAnswer(null);
          try {
            const a = await ordersApi.place({ customerId, address: { lat: la.value, lng: lo.value }, lines: lines.map((l, i) => ({ itemId: l.itemId, quantity: quantities[i].ok ? (quantities[i] as { value: number }).value : 0 })), slotStart });
            setAnswer(a);
            props.onAnswer(a);
            if (a.status !== 'rejected') setLines([]);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="grid3">
          <label>
            {t('orders.customer')}
            <input value={customerId} onChange={(e) => setCustomerId(e.target.value)} data-testid="order-customer" />
          </label>
          <label>
            {t('orders.lat')}
            <input value={lat} onChange={(e) => setLat(e.target.value)} onBlur={() => { const c = checkLatitude(lat, t('form.latitude')); setInvalid((v) => ({ ...v, lat: c.ok ? '' : t(c.key, c.params) })); }} inputMode="decimal" aria-invalid={invalid.lat ? true : undefined} aria-describedby={invalid.lat ? 'order-lat-error' : undefined} data-testid="order-lat" />
            {invalid.lat && (
              <span id="order-lat-error" className="field-error" role="alert" data-testid="order-lat-error">
                {invalid.lat}
              </span>
            )}
          </label>
          <label>
            {t('orders.lng')}
            <input value={lng} onChange={(e) => setLng(e.target.value)} onBlur={() => { const c = checkLongitude(lng, t('form.longitude')); setInvalid((v) => ({ ...v, lng: c.ok ? '' : t(c.key, c.params) })); }} inputMode="decimal" aria-invalid={invalid.lng ? true : undefined} aria-describedby={invalid.lng ? 'order-lng-error' : undefined} data-testid="order-lng" />
            {invalid.lng && (
              <span id="order-lng-error" className="field-error" role="alert">
                {invalid.lng}
              </span>
            )}
          </label>
        </div>
        <PlaceSearch
          testId="order-place-search"
          onPick={(p) => {
            setLat(p.lat.toFixed(5));
            setLng(p.lng.toFixed(5));
            setInvalid((v) => ({ ...v, lat: '', lng: '' }));
          }}
        />
        <ItemPicker onPick={(it) => setLines((ls) => (ls.some((l) => l.itemId === it.id) ? ls : [...ls, { itemId: it.id, name: localName(it), quantity: '1' }]))} testId="order-item" />
        {lines.map((l, i) => (
          <div className="row" key={l.itemId}>
            <span style={{ flex: 1 }}>{l.name}</span>
            <input
              inputMode="numeric"
              style={{ width: 80 }}
              value={l.quantity}
              aria-label={`${t('common.quantity')}: ${l.name}`}
              aria-invalid={invalid[`q-${l.itemId}`] ? true : undefined}
              data-testid="order-quantity"
              onBlur={() => {
                const c = checkWhole(l.quantity, `${t('common.quantity')} (${l.name})`, 1);
                setInvalid((v) => ({ ...v, [`q-${l.itemId}`]: c.ok ? '' : t(c.key, c.params) }));
              }}
              onChange={(e) => setLines((ls) => ls.map((x, j) => (j === i ? { ...x, quantity: e.target.value } : x)))}
            />
            <button type="button" className="ghost" onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))} aria-label={`✕ ${l.name}`}>
              ✕
            </button>
            {invalid[`q-${l.itemId}`] && (
              <span className="field-error" role="alert" data-testid="order-quantity-error">
                {invalid[`q-${l.itemId}`]}
              </span>
            )}
          </div>
        ))}
        <label>
          {t('orders.slot')}
          <select value={slotStart} onChange={(e) => setSlot(e.target.value)} data-testid="order-slot">
            {props.slots.length === 0 && <option value="">{t('orders.noOpenSlot')}</option>}
            {props.slots.map((s) => (
              <option key={s.startAt} value={s.startAt}>
                {fmt.time(s.startAt)}–{fmt.hm(s.endAt)} · {t('orders.remainingN', { n: s.remaining })}
              </option>
            ))}
          </select>
        </label>
        {invalid.slot && (
          <span className="field-error" role="alert" data-testid="order-slot-error">
            {invalid.slot}
          </span>
        )}
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy || lines.length === 0 || !slotStart} data-testid="place-order-submit">
          {busy ? t('common.working') : t('orders.place')}
        </button>
        {answer && (
          <div className={`note ${answer.status === 'accepted' ? 'good' : answer.status === 'rejected' ? 'bad' : 'warn'}`} data-testid="order-answer" data-status={answer.status}>
            <strong>{t(`placement.${answer.status}`)}</strong> {answerText(answer)}
            {answer.orders.map((o) => (
              <div key={o.id} className="small">
                {o.id} → {o.nodeId} · {fmt.time(o.slotStart)}
              </div>
            ))}
            {answer.rejectedLines.map((r) => (
              <div key={r.line} className="small">
                {lineName(r.itemId)}: {t(`refusal.${r.code}`, { defaultValue: r.code })} — {lineText(r)}
              </div>
            ))}
          </div>
        )}
      </form>
    </Card>
  );
}
