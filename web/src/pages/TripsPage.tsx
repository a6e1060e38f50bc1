import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi } from '../api/network.ts';
import { beijingDay } from '../api/orders.ts';
import { clock, tripsApi, type Trip, type TripPlan, type Vehicle } from '../api/trips.ts';
import { ConfirmAction } from '../components/Confirm.tsx';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { MapView, type MapTrip } from '../components/MapView.tsx';
import { nodeColor } from '../components/colors.ts';
import { Badge, Card, DataState, ErrorNote, Kpi, Table, fmt } from '../components/ui.tsx';
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
  const fleet = useLoad((s) => tripsApi.fleet(day, s), [day]);
  const [selected, setSelected] = useState<string | null>(null);
  // Trips of another day are not shown while the new day loads.
  const list = trips.loading ? [] : (trips.data?.trips ?? []).filter((x) => x.status !== 'cancelled' && x.day === day);
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
      <TripPlanner day={day} onConfirmed={trips.reload} />
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
          {trip ? <TripDetail key={trip.id} trip={trip} nodeName={nodeName} vehicles={fleet.data?.vehicles ?? []} onChanged={trips.reload} /> : (
            <Card title={t('trips.coolantChart')}>
              <Chart option={coolantOption} height={220} />
            </Card>
          )}
        </>
      )}
    </div>
  );
}

/**
 * Plans the day's trips from the open transfers (cold chain over the day, or an
 * ambient wave), shows what the planner proposes and what it could not place, and
 * confirms (the trips are created) or discards the proposal.
 */
function TripPlanner(props: { day: string; onConfirmed: () => void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'cold' | 'wave'>('cold');
  const [wave, setWave] = useState('14:00');
  const [plan, setPlan] = useState<TripPlan | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const tot = plan?.result.totals;
  return (
    <Card title={t('trips.planTitle')} testId="trip-planner">
      <div className="row">
        <select value={mode} aria-label={t('trips.mode')} data-testid="trip-plan-mode" onChange={(e) => setMode(e.target.value as 'cold' | 'wave')}>
          <option value="cold">{t('trips.modeCold')}</option>
          <option value="wave">{t('trips.modeWave')}</option>
        </select>
        {mode === 'wave' && <input type="time" value={wave} aria-label={t('trips.wave')} onChange={(e) => setWave(e.target.value)} />}
        <button type="button" className="primary" disabled={busy} data-testid="trip-plan" onClick={() => void run(async () => setPlan(await tripsApi.plan({ day: props.day, mode, ...(mode === 'wave' ? { wave } : {}), timeLimitS: 10 })))}>
          {busy && !plan ? t('common.working') : t('trips.planButton')}
        </button>
      </div>
      <ErrorNote error={error} />
      {plan && tot && (
        <div className="stack" data-testid="trip-proposal">
          <div className="kpis">
            <Kpi label={t('trips.trips')} value={fmt.int(tot.trips)} />
            <Kpi label={t('trips.loadsPlaced')} value={`${fmt.int(tot.assigned)} / ${fmt.int(tot.loads)}`} tone={tot.unassigned > 0 ? 'warn' : 'good'} />
            <Kpi label={t('trips.distance')} value={fmt.km(tot.distanceM)} />
            <Kpi label={t('trips.cost')} value={fmt.yuan(tot.costFen)} />
          </div>
          {tot.loads === 0 && <div className="note muted small">{t('trips.nothingToPlan')}</div>}
          {plan.result.unassigned.length > 0 && (
            <Table
              rows={plan.result.unassigned}
              max={10}
              columns={[
                { key: 'load', label: t('trips.load'), render: (u) => `${t(`trips.loadKind.${u.kind}`, { defaultValue: u.kind })} ${u.loadId}` },
                { key: 'reason', label: t('common.reason'), render: (u) => t(`trips.unassigned.${u.reason}`, { defaultValue: u.message }) },
              ]}
            />
          )}
          {plan.violations.length > 0 && <div className="note bad small">{t('trips.violations', { n: plan.violations.length })}</div>}
          {plan.status === 'proposed' && (
            <div className="row">
              <ConfirmAction
                testId="trip-plan-confirm"
                tone="primary"
                busy={busy}
                disabled={tot.trips === 0 || plan.violations.length > 0}
                label={t('trips.confirmPlan')}
                title={t('trips.confirmTitle')}
                consequences={t('trips.confirmConsequences', { n: tot.trips, loads: tot.assigned })}
                onConfirm={() =>
                  run(async () => {
                    setPlan(await tripsApi.confirm(plan.id));
                    props.onConfirmed();
                  })
                }
              />
              <button type="button" className="ghost" disabled={busy} onClick={() => void run(async () => setPlan(await tripsApi.discardPlan(plan.id)))}>
                {t('trips.discardPlan')}
              </button>
            </div>
          )}
          {plan.status !== 'proposed' && <div className="note info small" data-testid="trip-plan-status">{t(`trips.planStatus.${plan.status}`, { defaultValue: plan.status })}</div>}
        </div>
      )}
    </Card>
  );
}

function TripDetail(props: { trip: Trip; nodeName: (id: string) => string; vehicles: Vehicle[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const { trip } = props;
  const [open, setOpen] = useState<number | null>(null);
  const [vehicleId, setVehicleId] = useState(trip.vehicleId ?? '');
  const [driver, setDriver] = useState(trip.driverName ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const vehicles = props.vehicles.filter((v) => v.vehicleTypeId === trip.vehicleTypeId);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      props.onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="wide" title={`${trip.ref} · ${props.nodeName(trip.originNodeId)} → ${props.nodeName(trip.endNodeId)}`} testId="trip-detail">
      {trip.coolantNoteCode === 'coolant_rule' && (
        <div className="small muted" data-testid="trip-coolant-note">
          {t('trips.coolantRule', trip.coolantNoteParams)}
        </div>
      )}
      {trip.status === 'confirmed' && (
        <div className="row" data-testid="trip-assign">
          <select value={vehicleId} aria-label={t('trips.vehicle')} onChange={(e) => setVehicleId(e.target.value)}>
            <option value="">{t('trips.anyVehicle')}</option>
            {vehicles.map((v) => (
              <option key={v.id} value={v.id}>
                {v.plate}
                {v.driverName ? ` · ${v.driverName}` : ''}
              </option>
            ))}
          </select>
          <input value={driver} placeholder={t('trips.driver')} aria-label={t('trips.driver')} data-testid="trip-driver" maxLength={100} onChange={(e) => setDriver(e.target.value)} />
          <button type="button" disabled={busy} data-testid="trip-assign-save" onClick={() => void run(() => tripsApi.assign(trip.id, { vehicleId: vehicleId || null, driverName: driver.trim() || null }))}>
            {t('common.save')}
          </button>
        </div>
      )}
      <div className="row">
        {trip.status === 'confirmed' && (
          <>
            <ConfirmAction
              testId="trip-dispatch"
              tone="primary"
              busy={busy}
              label={t('trips.dispatch')}
              title={t('trips.dispatchTitle')}
              consequences={t('trips.dispatchConsequences', { n: trip.stops.length, from: props.nodeName(trip.originNodeId) })}
              onConfirm={() => run(() => tripsApi.dispatch(trip.id))}
            />
            <ConfirmAction
              testId="trip-cancel"
              tone="danger"
              busy={busy}
              label={t('trips.cancel')}
              title={t('trips.cancelTitle')}
              consequences={t('trips.cancelConsequences')}
              onConfirm={() => run(() => tripsApi.cancel(trip.id))}
            />
          </>
        )}
        <a className="button" href={tripsApi.sheetUrl(trip.id)} target="_blank" rel="noopener" data-testid="trip-sheet">
          {t('trips.printSheet')}
        </a>
      </div>
      <ErrorNote error={error} />
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
                <span data-testid={`trip-stop-status-${s.seq}`} data-status={s.status}>
                  <Badge tone={s.status === 'arrived' ? 'good' : late ? 'bad' : ''}>{late && s.status !== 'arrived' ? t('trips.late') : t(`trips.stopStatus.${s.status}`, { defaultValue: s.status })}</Badge>
                </span>
              </button>
              {trip.status === 'dispatched' && s.status !== 'arrived' && (
                <button type="button" className="small" disabled={busy} data-testid={`trip-arrive-${s.seq}`} onClick={() => void run(() => tripsApi.arrive(trip.id, s.seq))}>
                  {t('trips.arrivedAsShipped')}
                </button>
              )}
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
