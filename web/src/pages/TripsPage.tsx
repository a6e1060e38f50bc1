import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi } from '../api/network.ts';
import { beijingDay } from '../api/orders.ts';
import { clock, tripsApi, type Trip } from '../api/trips.ts';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { MapView, type MapTrip } from '../components/MapView.tsx';
import { nodeColor } from '../components/colors.ts';
import { Badge, Card, DataState, Kpi, Table, fmt } from '../components/ui.tsx';
import { useLoad } from '../hooks.ts';
import { localName } from '../i18n/index.ts';

/**
 * Trips of a day: each vehicle's run with its stops, arrival times against the
 * receiving windows, and the coolant (dry ice, ice packs) packed for chilled and
 * frozen loads. A driver opens one trip on a phone and reads the stops in order.
 */
export function TripsPage() {
  const { t, i18n } = useTranslation();
  const [day, setDay] = useState(beijingDay());
  const trips = useLoad((s) => tripsApi.trips({ day }, s), [day]);
  const nodes = useLoad((s) => networkApi.nodes(s), []);
  const [selected, setSelected] = useState<string | null>(null);
  const list = (trips.data?.trips ?? []).filter((x) => x.status !== 'cancelled');
  const trip = list.find((x) => x.id === selected) ?? null;
  const nodeName = (id: string) => localName(nodes.data?.nodes.find((n) => n.id === id) ?? { id });
  const order = list.map((x) => x.id);

  const mapTrips: MapTrip[] = useMemo(() => {
    const byId = new Map((nodes.data?.nodes ?? []).map((n) => [n.id, n]));
    return (trip ? [trip] : list).map((x) => {
      const o = byId.get(x.originNodeId);
      const e = byId.get(x.endNodeId);
      const pts: Array<[number, number]> = [];
      if (o) pts.push([o.lat, o.lng]);
      for (const s of x.stops) pts.push([s.place.lat, s.place.lng]);
      if (e) pts.push([e.lat, e.lng]);
      return { id: x.id, points: pts, color: nodeColor(x.id, order), label: `${x.ref} · ${x.vehicleTypeId}` };
    });
    // order derives from list
  }, [list, trip, nodes.data]);

  const coolantOption: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 6, right: 10, top: 28, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: list.map((x) => x.ref) },
      yAxis: { type: 'value' },
      series: [
        { name: t('trips.icePacks'), type: 'bar', data: list.map((x) => x.coolant?.icePacks ?? 0), itemStyle: { color: '#5fb3e6' } },
        { name: t('trips.dryIceBags'), type: 'bar', data: list.map((x) => x.coolant?.dryIceBags ?? 0), itemStyle: { color: '#7570b3' } },
      ],
    }),
    [list, t],
  );

  return (
    <div className="page">
      <Card
        className="wide"
        title={t('trips.title')}
        testId="trips-card"
        actions={
          <select value={day} onChange={(e) => setDay(e.target.value)} aria-label={t('common.date')}>
            <option value={beijingDay(-1)}>{beijingDay(-1)}</option>
            <option value={beijingDay()}>{t('orders.today')} {beijingDay()}</option>
            <option value={beijingDay(1)}>{t('orders.tomorrow')} {beijingDay(1)}</option>
          </select>
        }
      >
        <DataState state={trips} what={t('nav.trips')}>
          {() =>
            list.length === 0 ? (
              <div className="note muted">{t('trips.none')}</div>
            ) : (
              <div className="kpis">
                <Kpi label={t('trips.trips')} value={fmt.int(list.length)} />
                <Kpi label={t('trips.stops')} value={fmt.int(list.reduce((a, x) => a + x.stops.length, 0))} />
                <Kpi label={t('trips.distance')} value={fmt.km(list.reduce((a, x) => a + x.distanceM, 0))} />
                <Kpi label={t('trips.icePacks')} value={fmt.int(list.reduce((a, x) => a + (x.coolant?.icePacks ?? 0), 0))} />
                <Kpi label={t('trips.dryIceBags')} value={fmt.int(list.reduce((a, x) => a + (x.coolant?.dryIceBags ?? 0), 0))} />
              </div>
            )
          }
        </DataState>
      </Card>
      {list.length > 0 && (
        <>
          <Card title={t('trips.list')}>
            <ul className="trip-list">
              {list.map((x) => (
                <li key={x.id}>
                  <button type="button" className={selected === x.id ? 'active' : ''} onClick={() => setSelected(selected === x.id ? null : x.id)} data-testid="trip">
                    <span className="swatch" style={{ background: nodeColor(x.id, order) }} />
                    <strong>{x.ref}</strong>
                    <span className="small">
                      {clock(x.departS)}–{clock(x.returnS)} · {x.vehicleTypeId} · {x.driverName ?? '–'}
                    </span>
                    <span className="small muted">
                      {t('trips.nStops', { n: x.stops.length })} · {fmt.km(x.distanceM)}
                    </span>
                    <Badge tone={x.status === 'completed' ? 'good' : x.status === 'dispatched' ? 'info' : ''}>{t(`trips.status.${x.status}`, { defaultValue: x.status })}</Badge>
                  </button>
                </li>
              ))}
            </ul>
          </Card>
          <Card title={t('trips.map')}>
            <div className="trip-map">
              <MapView nodes={(nodes.data?.nodes ?? []).filter((n) => n.kind !== 'supplier')} trips={mapTrips} lang={i18n.language} />
            </div>
          </Card>
          {trip ? <TripDetail trip={trip} nodeName={nodeName} /> : (
            <Card title={t('trips.coolantChart')}>
              <Chart option={coolantOption} height={220} />
            </Card>
          )}
        </>
      )}
    </div>
  );
}

function TripDetail(props: { trip: Trip; nodeName: (id: string) => string }) {
  const { t } = useTranslation();
  const { trip } = props;
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Card className="wide" title={`${trip.ref} · ${props.nodeName(trip.originNodeId)} → ${props.nodeName(trip.endNodeId)}`} testId="trip-detail">
      <div className="small muted">{trip.coolantNote}</div>
      <ol className="stops">
        {trip.stops.map((s) => {
          const late = s.windows.length > 0 && !s.windows.some(([a, b]) => s.arrivalS >= a && s.arrivalS <= b);
          return (
            <li key={s.seq} className={late ? 'late' : ''}>
              <button type="button" className="stop-head" onClick={() => setOpen(open === s.seq ? null : s.seq)}>
                <span className="stop-seq">{s.seq}</span>
                <span className="stop-main">
                  <strong>{props.nodeName(s.place.id) || s.place.name}</strong>
                  <span className="small">
                    {t('trips.eta')} {clock(s.arrivalS)} · {t('trips.window')} {s.windows.map(([a, b]) => `${clock(a)}–${clock(b)}`).join(', ') || '–'}
                  </span>
                  <span className="small muted">
                    {t(`trips.loadKind.${s.loadKind}`, { defaultValue: s.loadKind })} {s.loadId} · {(s.weightG / 1000).toFixed(0)} kg
                    {s.coolant && (s.coolant.icePacks || s.coolant.dryIceBags) ? ` · ${t('trips.icePacks')} ${s.coolant.icePacks ?? 0} · ${t('trips.dryIceBags')} ${s.coolant.dryIceBags ?? 0}` : ''}
                  </span>
                </span>
                <Badge tone={s.status === 'arrived' ? 'good' : late ? 'bad' : ''}>{late ? t('trips.late') : t(`trips.stopStatus.${s.status}`, { defaultValue: s.status })}</Badge>
              </button>
              {open === s.seq && (
                <Table
                  rows={s.manifest}
                  max={30}
                  columns={[
                    { key: 'name', label: t('common.item'), render: (m) => m.name },
                    { key: 'q', label: t('common.quantity'), num: true, render: (m) => `${m.quantity} ${m.unit}` },
                    { key: 'tc', label: t('trips.temperature'), render: (m) => t(`trips.temp.${m.temperatureClass}`, { defaultValue: m.temperatureClass }) },
                  ]}
                />
              )}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
