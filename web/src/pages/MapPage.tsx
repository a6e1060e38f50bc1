import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi, type Node } from '../api/network.ts';
import { Card, DataState, ErrorNote } from '../components/ui.tsx';
import type { MapControlArea, MapZone } from '../components/MapView.tsx';
import { NodeSketch } from '../components/NodeSketch.tsx';
import { LEVEL_COLOR, STATUS_COLOR, assignNodeColors, nodeColor } from '../components/colors.ts';
import { useLoad, useMedia } from '../hooks.ts';
import { localName } from '../i18n/index.ts';
import { IncidentPanel } from './IncidentPanel.tsx';
import { zonesApi } from '../api/zones.ts';
import { statusReasonLabel } from '../components/statusReason.ts';

const STATUSES = ['open', 'online_only', 'suspended', 'closed'] as const;

// The map library (Leaflet, ~40 kB compressed) is a chunk of its own, asked for as soon as
// this screen's module runs: the first screen (the node list, and every node as a dot on a
// sketch) does not wait for it on a slow phone.
// Leaflet (the MapView chunk) is asked for only once the first screen (the node list and the
// sketch of the district) is on screen: on a slow phone its download and evaluation would
// otherwise compete with the first screen for the network and the main thread.
const MapView = lazy(() => import('../components/MapView.tsx').then((m) => ({ default: m.MapView })));

/** True from the frame after `ready` first becomes true: the browser has painted what `ready` shows. */
function useAfterPaint(ready: boolean): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    if (!ready || after) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setAfter(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ready, after]);
  return after;
}

/**
 * The map screen: the district with nodes, delivery zones, control areas and trips,
 * a legend, the node list with status changes, and the incident workflow (draw a
 * control area → review the plan → apply).
 */
export function MapPage() {
  const { t, i18n } = useTranslation();
  const nodes = useLoad((s) => networkApi.nodes(s), []);
  // The map's layers (332 zone shapes) are asked for after the first screen, with Leaflet.
  const mapWanted = useAfterPaint(nodes.data !== undefined || nodes.error !== undefined);
  const zones = useLoad((s) => (mapWanted ? zonesApi.zonesWithGeometry(s) : Promise.resolve([])), [mapWanted]);
  const areas = useLoad((s) => (mapWanted ? zonesApi.controlAreas(s) : Promise.resolve([])), [mapWanted]);
  const [drawing, setDrawing] = useState(false);
  const [draft, setDraft] = useState<Array<[number, number]>>([]);
  const [preview, setPreview] = useState<Record<string, string | null> | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [placing, setPlacing] = useState(false);
  const [warehouseAt, setWarehouseAt] = useState<[number, number] | null>(null);
  const phone = useMedia('(max-width: 760px)');

  const nodeList: Node[] = nodes.data?.nodes ?? [];
  const nodeOrder = useMemo(() => nodeList.map((n) => n.id), [nodeList]);

  const mapZones: MapZone[] = useMemo(
    () =>
      (zones.data ?? []).map((z) => {
        const proposed = preview && z.id in preview ? preview[z.id] : undefined;
        return { ...z, servingNodeId: proposed !== undefined ? proposed : z.servingNodeId, changed: proposed !== undefined && proposed !== z.servingNodeId };
      }),
    [zones.data, preview],
  );
  const mapAreas: MapControlArea[] = useMemo(() => {
    const list: MapControlArea[] = [...(areas.data ?? [])];
    return list;
  }, [areas.data]);
  const lockdowns = useMemo(() => mapAreas.filter((a) => a.level === 'lockdown'), [mapAreas]);
  const servingIds = useMemo(() => new Set(mapZones.map((z) => z.servingNodeId).filter(Boolean) as string[]), [mapZones]);
  // Colours for every node that serves a zone now or in the proposal, stable as nodes open.
  const zoneColors = useMemo(() => assignNodeColors([...(zones.data ?? []).map((z) => z.servingNodeId), ...servingIds].filter(Boolean) as string[]), [zones.data, servingIds]);

  const refreshAll = () => {
    nodes.reload();
    zones.reload();
    areas.reload();
  };

  return (
    <div className="map-screen">
      <div className="map-pane">
        {mapWanted ? (
          <Suspense fallback={<NodeSketch nodes={nodeList} />}>
            <MapView
              nodes={nodeList}
              zones={mapZones}
              controlAreas={mapAreas}
              nodeOrder={nodeOrder}
              zoneColors={zoneColors}
              drawing={drawing || placing}
              draft={draft}
              pin={warehouseAt}
              lang={i18n.language}
              onMapClick={(lat, lng) => {
                if (drawing) setDraft((d) => [...d, [lat, lng]]);
                else if (placing) {
                  setWarehouseAt([lat, lng]);
                  setPlacing(false);
                }
              }}
              onUndoCorner={() => setDraft((d) => d.slice(0, -1))}
              onNodeClick={(id) => setSelected(id)}
            />
          </Suspense>
        ) : (
          <NodeSketch nodes={nodeList} />
        )}
        <details className="map-legend" data-testid="legend" open={!phone}>
          <summary>{t('map.legend')}</summary>
          <div className="legend-title">{t('map.nodeStatus')}</div>
          {STATUSES.map((s) => (
            <div key={s} className="legend-row">
              <span className="dot" style={{ background: STATUS_COLOR[s] }} /> {t(`status.${s}`)}
            </div>
          ))}
          <div className="legend-title">{t('map.controlLevel')}</div>
          {Object.entries(LEVEL_COLOR).map(([l, c]) => (
            <div key={l} className="legend-row">
              <span className="swatch" style={{ background: c }} /> {t(`level.${l}`)}
            </div>
          ))}
          {servingIds.size > 0 && (
            <>
              <div className="legend-title">{t('map.zoneServedBy')}</div>
              {[...servingIds].map((id) => (
                <div key={id} className="legend-row">
                  <span className="swatch" style={{ background: zoneColors.get(id) ?? nodeColor(id, nodeOrder), opacity: 0.6 }} />{' '}
                  {localName(nodeList.find((n) => n.id === id) ?? { id })}
                </div>
              ))}
            </>
          )}
          <div className="legend-note">{t('map.schematic')}</div>
        </details>
      </div>
      <aside className="side-pane">
        <IncidentPanel
          nodes={nodeList}
          drawing={drawing}
          draft={draft}
          placing={placing}
          warehouseAt={warehouseAt}
          onStartPlacing={() => setPlacing(true)}
          onDraftEntered={(corners) => {
            setDraft(corners);
            setDrawing(false);
            setPreview(null);
          }}
          onPlaceWarehouse={(at) => {
            setWarehouseAt(at);
            setPlacing(false);
          }}
          onClearWarehouse={() => {
            setPlacing(false);
            setWarehouseAt(null);
          }}
          onStartDrawing={() => {
            setDraft([]);
            setDrawing(true);
            setPreview(null);
          }}
          onUndo={() => setDraft((d) => d.slice(0, -1))}
          onFinishDrawing={() => setDrawing(false)}
          onCancel={() => {
            setDrawing(false);
            setDraft([]);
            setPreview(null);
            setPlacing(false);
            setWarehouseAt(null);
          }}
          onPreview={setPreview}
          onChanged={refreshAll}
          onApplied={() => {
            setDraft([]);
            setWarehouseAt(null);
            setPreview(null);
            refreshAll();
          }}
        />
        <Card title={t('map.nodes')} testId="node-list">
          <DataState state={nodes} what={t('nav.map')}>
            {(d) => (
              <ul className="node-list">
                {d.nodes.map((n) => (
                  <NodeRow key={`${n.id}:${n.status}`} node={n} lockdowns={lockdowns} open={selected === n.id} onToggle={() => setSelected(selected === n.id ? null : n.id)} onChanged={refreshAll} />
                ))}
              </ul>
            )}
          </DataState>
        </Card>
      </aside>
    </div>
  );
}

/** Is [lat, lng] inside a GeoJSON polygon or multipolygon (ray casting on the outer rings, holes honoured)? */
export function insideGeometry(lat: number, lng: number, g: GeoJSON.Geometry): boolean {
  const inRing = (ring: number[][]) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const inPoly = (rings: number[][][]) => rings.length > 0 && inRing(rings[0]) && !rings.slice(1).some(inRing);
  if (g.type === 'Polygon') return inPoly(g.coordinates);
  if (g.type === 'MultiPolygon') return g.coordinates.some(inPoly);
  return false;
}

/**
 * The statuses a node can move to from its own: never its current one, nothing from
 * closed (final). Reopening inside an active lockdown is offered, but only with an
 * explicit override and a reason (the server refuses it otherwise).
 */
export function nextStatuses(current: string): Array<(typeof STATUSES)[number]> {
  if (current === 'closed') return [];
  return STATUSES.filter((s) => s !== current);
}

const OVERRIDE_REASON_MIN_CHARS = 8;

/** Great-circle distance in metres. */
function distanceM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lng2 - lng1) * r) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}

function NodeRow(props: { node: Node; open: boolean; onToggle: () => void; onChanged: () => void; lockdowns: MapControlArea[] }) {
  const { t } = useTranslation();
  const n = props.node;
  const options = nextStatuses(n.status);
  const [status, setStatus] = useState<string>(options[0] ?? n.status);
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const heldBy = props.lockdowns.filter((a) => (a.geometry ? insideGeometry(n.lat, n.lng, a.geometry) : a.lat !== undefined && a.lng !== undefined && a.radiusM !== undefined && distanceM(n.lat, n.lng, a.lat, a.lng) <= a.radiusM));
  const reasonText = statusReasonLabel(t, n.statusReasonCode, n.statusReasonParams);
  const reopening = status === 'open' && heldBy.length > 0;
  const ready = !!reason.trim() && status !== n.status && (!reopening || (override && reason.trim().length >= OVERRIDE_REASON_MIN_CHARS)) && (status !== 'closed' || confirmClose);
  return (
    <li className={`node-row ${props.open ? 'open' : ''}`} data-testid={`node-${n.id}`}>
      <button type="button" className="node-head" onClick={props.onToggle}>
        <span className="dot" style={{ background: STATUS_COLOR[n.status] }} />
        <span className="node-name">{localName(n)}</span>
        <span className="muted small">{t(`kind.${n.kind}`)}</span>
        <span className={`badge status-${n.status}`}>{t(`status.${n.status}`)}</span>
      </button>
      {props.open && (
        <div className="node-detail">
          <div className="small muted">
            {n.address} · {t('map.capacity')}: {n.dailyOrderCapacity.toLocaleString()} · {t('map.radius')}: {(n.maxDeliveryRadiusM / 1000).toFixed(1)} km
            {n.locationConfidence === 'estimate' && <> · {t('map.estimatedLocation')}</>}
          </div>
          {reasonText && (
            <div className="small" data-testid="node-status-why">
              {t('map.statusReason')}: {reasonText}
            </div>
          )}
          {heldBy.length > 0 && (
            <div className="note warn small" data-testid="node-in-lockdown">
              {t('nodeStatus.inLockdown', { areas: heldBy.map((a) => localName(a)).join(', ') })}
            </div>
          )}
          {options.length === 0 ? (
            <div className="note muted small" data-testid="node-closed-final">
              {t('nodeStatus.closedFinal')}
            </div>
          ) : (
            <>
              <div className="row">
                <select
                  value={status}
                  data-testid="node-status-select"
                  onChange={(e) => {
                    setStatus(e.target.value);
                    setConfirmClose(false);
                    setOverride(false);
                  }}
                  aria-label={t('map.newStatus')}
                >
                  {options.map((s) => (
                    <option key={s} value={s}>
                      {t(`status.${s}`)}
                    </option>
                  ))}
                </select>
                <input placeholder={t('map.reason')} value={reason} data-testid="node-status-reason" maxLength={500} onChange={(e) => setReason(e.target.value)} />
              </div>
              <div className="small muted">{t(`nodeStatus.explain.${status}`, { defaultValue: '' })}</div>
              {status === 'closed' && (
                <label className="check note bad small">
                  <input type="checkbox" checked={confirmClose} data-testid="node-close-confirm" onChange={(e) => setConfirmClose(e.target.checked)} />
                  {t('nodeStatus.confirmClose', { name: localName(n) })}
                </label>
              )}
              {reopening && (
                <label className="check note warn small">
                  <input type="checkbox" checked={override} data-testid="node-override" onChange={(e) => setOverride(e.target.checked)} />
                  {t('nodeStatus.override', { n: OVERRIDE_REASON_MIN_CHARS })}
                </label>
              )}
              <div className="row">
                <button
                  type="button"
                  className={status === 'closed' ? 'danger' : ''}
                  disabled={busy || !ready}
                  data-testid="node-status-save"
                  onClick={async () => {
                    setBusy(true);
                    setError(undefined);
                    try {
                      await networkApi.setStatus(n.id, status, reason.trim(), reopening ? override : undefined);
                      setReason('');
                      setOverride(false);
                      setConfirmClose(false);
                      props.onChanged();
                    } catch (e) {
                      setError(e);
                    } finally {
                      setBusy(false);
                    }
                  }}
                >
                  {t('common.save')}
                </button>
              </div>
            </>
          )}
          <ErrorNote error={error} />
        </div>
      )}
    </li>
  );
}
