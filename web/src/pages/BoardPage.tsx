import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { boardApi, type Board, type BoardAlert, type BoardNode } from '../api/board.ts';
import { beijingDay } from '../api/orders.ts';
import { Badge, Card, DataState, ErrorNote, Kpi, Table, fmt } from '../components/ui.tsx';
import { useLoad } from '../hooks.ts';
import { localName } from '../i18n/index.ts';

/** How often the board refreshes by itself when the server's push (server-sent events) is not available. */
export const BOARD_REFRESH_MS = 15_000;

/**
 * The board the server pushes (GET /api/board/stream, server-sent events): null until the
 * first event, and `live` false when the stream could not be opened or was closed (the
 * screen then polls). EventSource reconnects by itself after a dropped connection.
 */
function useBoardStream(day: string): { pushed: Board | null; live: boolean } {
  const [pushed, setPushed] = useState<Board | null>(null);
  const [live, setLive] = useState(false);
  useEffect(() => {
    setPushed(null);
    setLive(false);
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource(`/api/board/stream?day=${encodeURIComponent(day)}`);
    es.addEventListener('board', (e) => {
      try {
        setPushed(JSON.parse((e as MessageEvent<string>).data) as Board);
        setLive(true);
      } catch {
        setLive(false);
      }
    });
    es.onerror = () => {
      if (es.readyState !== EventSource.OPEN) setLive(false);
    };
    return () => es.close();
  }, [day]);
  return { pushed, live };
}

/**
 * The network board: every delivery node's orders against capacity, unserved demand,
 * key essentials out of stock or under a day of cover, late trips, and alerts a
 * manager acknowledges. It polls the server every BOARD_REFRESH_MS while the tab is
 * visible, and says when it last refreshed.
 */
export function BoardPage() {
  const { t } = useTranslation();
  const [day, setDay] = useState(beijingDay());
  const board = useLoad((s) => boardApi.get(day, s), [day]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | null>(null);
  const [showAcked, setShowAcked] = useState(false);

  const stream = useBoardStream(day);

  // Polling only while the server's push is not live.
  useEffect(() => {
    if (stream.live) return;
    const h = window.setInterval(() => {
      if (document.visibilityState === 'visible') board.reload();
    }, BOARD_REFRESH_MS);
    return () => window.clearInterval(h);
  }, [board.reload, stream.live]);

  // The newest of the loaded and the pushed board; one for another day is not shown under
  // this day's heading while it loads.
  const newest = stream.pushed && (!board.data || stream.pushed.at >= board.data.at) ? stream.pushed : board.data;
  const data = newest && newest.day === day ? newest : undefined;
  const nodeName = (id: string | number) => {
    const n = data?.nodes.find((x) => x.nodeId === id);
    return n ? localName({ nameZh: n.nameZh, nameEn: n.nameEn }) : String(id);
  };
  const alertText = (a: BoardAlert) => t(`boardAlert.${a.code}`, { ...a.params, node: a.params.nodeId !== undefined ? nodeName(a.params.nodeId) : '', defaultValue: a.code });
  const open = (data?.alerts ?? []).filter((a) => !a.acknowledgedBy);
  const acked = (data?.alerts ?? []).filter((a) => a.acknowledgedBy);

  return (
    <div className="page" data-testid="board">
      <Card
        title={t('board.title')}
        actions={
          <>
            <input type="date" value={day} aria-label={t('common.date')} onChange={(e) => setDay(e.target.value || beijingDay())} />
            <button type="button" className="ghost" onClick={board.reload}>
              {t('common.refresh')}
            </button>
          </>
        }
      >
        <div className="small muted" data-testid="board-refreshed">
          {board.loading && !data ? t('common.loading') : data ? (stream.live ? t('board.live', { at: fmt.hm(data.at) }) : t('board.refreshed', { at: fmt.hm(data.at), s: BOARD_REFRESH_MS / 1000 })) : ''}
        </div>
        {data && (
          <div className="kpis">
            <Kpi label={t('board.alertsOpen')} value={open.length} tone={open.some((a) => a.severity === 'bad') ? 'bad' : open.length ? 'warn' : 'good'} testId="board-alerts-open" />
            <Kpi label={t('board.unserved')} value={fmt.int(data.unserved.ordersPerDay)} hint={t('board.unservedZones', { n: data.unserved.zones })} tone={data.unserved.ordersPerDay > 0 ? 'bad' : 'good'} />
            <Kpi label={t('board.keyOut')} value={data.nodes.reduce((a, n) => a + n.keyOut.length, 0)} tone={data.nodes.some((n) => n.keyOut.length) ? 'bad' : 'good'} />
            <Kpi label={t('board.lateTrips')} value={data.lateTrips.length} tone={data.lateTrips.length ? 'warn' : 'good'} />
          </div>
        )}
      </Card>
      {!data && <DataState state={board} what={t('nav.board')}>{() => null}</DataState>}
      {data && (
        <>
          <Card title={t('board.alerts')} testId="board-alerts">
            <ErrorNote error={error} />
            {open.length === 0 && <div className="note good small">{t('board.noAlerts')}</div>}
            <ul className="alert-list">
              {open.map((a) => (
                <li key={a.id} className={`note ${a.severity}`} data-testid="board-alert">
                  <span>{alertText(a)}</span>{' '}
                  <button
                    type="button"
                    className="ghost"
                    disabled={busy === a.id}
                    data-testid="board-ack"
                    onClick={async () => {
                      setBusy(a.id);
                      setError(undefined);
                      try {
                        await boardApi.ack(a.id);
                        board.reload();
                      } catch (e) {
                        setError(e);
                      } finally {
                        setBusy(null);
                      }
                    }}
                  >
                    {t('board.ack')}
                  </button>
                </li>
              ))}
            </ul>
            {acked.length > 0 && (
              <details open={showAcked} onToggle={(e) => setShowAcked((e.target as HTMLDetailsElement).open)}>
                <summary className="small muted">{t('board.acked', { n: acked.length })}</summary>
                <ul className="alert-list">
                  {acked.map((a) => (
                    <li key={a.id} className="small muted" data-testid="board-alert-acked">
                      {alertText(a)} · {t('board.ackedBy', { who: a.acknowledgedBy, at: fmt.time(a.acknowledgedAt) })}
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </Card>
          <Card className="wide" title={t('board.nodes')} testId="board-nodes">
            <Table<BoardNode>
              rows={data.nodes}
              rowKey={(n) => n.nodeId}
              columns={[
                { key: 'node', label: t('common.node'), render: (n) => localName({ nameZh: n.nameZh, nameEn: n.nameEn }) },
                { key: 'status', label: t('common.status'), render: (n) => <Badge tone={n.trading ? '' : 'bad'}>{t(`status.${n.status}`, { defaultValue: n.status })}</Badge> },
                {
                  key: 'booked',
                  label: t('board.booked'),
                  num: true,
                  render: (n) => (n.slotCapacity > 0 ? <Meter value={n.ordersBooked} max={n.slotCapacity} /> : '–'),
                },
                {
                  key: 'demand',
                  label: t('board.demand'),
                  num: true,
                  render: (n) => (n.dailyOrderCapacity > 0 ? <Meter value={n.zoneDemandOrdersPerDay} max={n.dailyOrderCapacity} /> : fmt.int(n.zoneDemandOrdersPerDay)),
                },
                { key: 'out', label: t('board.keyOutShort'), num: true, render: (n) => <span className={n.keyOut.length ? 'bad-text' : ''}>{n.keyOut.length}</span> },
                { key: 'low', label: t('board.keyLowShort'), num: true, render: (n) => n.keyLow.length },
              ]}
            />
          </Card>
          {data.lateTrips.length > 0 && (
            <Card title={t('board.lateTrips')} testId="board-late-trips">
              <Table
                rows={data.lateTrips}
                rowKey={(x) => x.tripId}
                columns={[
                  { key: 'ref', label: t('trips.trip'), render: (x) => x.ref },
                  { key: 'kind', label: t('board.lateKind'), render: (x) => t(`board.late_${x.kind}`) },
                  { key: 'm', label: t('board.minutesLate'), num: true, render: (x) => fmt.int(x.minutesLate) },
                  { key: 'from', label: t('common.from'), render: (x) => nodeName(x.originNodeId) },
                ]}
              />
            </Card>
          )}
        </>
      )}
    </div>
  );
}

/** "booked / capacity" with a bar, red at or over capacity. */
function Meter(props: { value: number; max: number }) {
  const pct = Math.min(100, Math.round((props.value / props.max) * 100));
  const tone = props.value >= props.max ? 'bad' : pct >= 85 ? 'warn' : 'good';
  return (
    <span className="meter" title={`${pct}%`}>
      <span className={`meter-bar ${tone}`} style={{ width: `${pct}%` }} />
      <span className="meter-text">
        {fmt.int(props.value)} / {fmt.int(props.max)}
      </span>
    </span>
  );
}
