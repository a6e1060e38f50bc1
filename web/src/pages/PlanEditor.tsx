import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { incidentList, type IncidentDetail, type IncidentPlan, type ZonesProposal } from '../api/incidents.ts';
import type { Node } from '../api/network.ts';
import { Card, ErrorNote, Table, fmt } from '../components/ui.tsx';
import { localName } from '../i18n/index.ts';
import { zonesApi } from '../api/zones.ts';
import { useLoad } from '../hooks.ts';
import { assignNodeColors } from '../components/colors.ts';
import { NodeSketch } from '../components/NodeSketch.tsx';
import type { MapZone } from '../components/MapView.tsx';

const MapView = lazy(() => import('../components/MapView.tsx').then((m) => ({ default: m.MapView })));

/** The zones part has the shape of the zones context's reassignment proposal (generated schema). */
type ZonesPart = Pick<ZonesProposal, 'changes' | 'nodeLoads'>;

/**
 * Moves a drafted plan's zones to other nodes before apply. The edit keeps the zones
 * part's shape (the zones context's reassignment proposal): each moved zone's
 * `newNodeId` changes (a split is dropped: the zone goes whole to the chosen node)
 * and the node loads after are recomputed from the zones' orders a day; the part is
 * saved with PUT /api/incidents/:id/plan/parts/zones and marked edited.
 */
export function moveZones(content: ZonesPart, moves: Record<string, string | null>) {
  const changes = content.changes.map((c) => (c.zoneId in moves && moves[c.zoneId] !== c.newNodeId ? { ...c, newNodeId: moves[c.zoneId], newSplit: null, distanceM: null } : c));
  const delta = new Map<string, number>();
  for (const [before, after] of content.changes.map((c, i) => [c, changes[i]] as const)) {
    if (before.newNodeId === after.newNodeId) continue;
    if (before.newNodeId) delta.set(before.newNodeId, (delta.get(before.newNodeId) ?? 0) - (before.demandOrdersPerDay ?? 0));
    if (after.newNodeId) delta.set(after.newNodeId, (delta.get(after.newNodeId) ?? 0) + (after.demandOrdersPerDay ?? 0));
  }
  const nodeLoads = content.nodeLoads.map((l) => (delta.has(l.nodeId) ? { ...l, loadAfter: Math.max(0, Math.round(l.loadAfter + delta.get(l.nodeId)!)) } : l));
  return { ...content, changes, nodeLoads };
}

/** The node that serves a zone, chosen among the nodes that take zones; "" means unserved. */
function ServedBySelect(props: { label: string; testId: string; takers: Node[]; value: string | null | undefined; onChange: (nodeId: string | null) => void }) {
  const { t } = useTranslation();
  return (
    <select aria-label={props.label} data-testid={props.testId} value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value || null)}>
      <option value="">{t('map.unserved')}</option>
      {props.takers.map((n) => (
        <option key={n.id} value={n.id}>
          {localName(n)}
        </option>
      ))}
    </select>
  );
}

export function PlanEditor(props: { incident: IncidentDetail; plan: IncidentPlan; nodes: Node[]; onChanged: () => void; onSimulate: () => void }) {
  const { t, i18n } = useTranslation();
  const zonesPart = props.incident.plan?.parts.find((p) => p.part === 'zones');
  const content = zonesPart?.content as ZonesPart | undefined;
  const [moves, setMoves] = useState<Record<string, string | null>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [pickedZone, setPickedZone] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const geometry = useLoad((s) => zonesApi.zonesWithGeometry(s), []);
  // Nodes that can take zones after the incident: those trading once its status changes apply.
  const finalStatus = new Map(props.nodes.map((n) => [n.id, n.status as string]));
  for (const c of props.plan.nodeChanges) finalStatus.set(c.nodeId, c.to);
  const takers = props.nodes.filter((n) => ['store', 'satellite_warehouse', 'emergency_warehouse'].includes(n.kind) && (finalStatus.get(n.id) === 'open' || finalStatus.get(n.id) === 'online_only'));
  const moved = (content?.changes ?? []).filter((c) => c.oldNodeId !== c.newNodeId || c.zoneId in moves);
  const preview = useMemo(() => (content ? moveZones(content, moves) : null), [content, moves]);
  const overloaded = (preview?.nodeLoads ?? []).filter((l) => l.loadAfter > l.dailyOrderCapacity && l.dailyOrderCapacity > 0);
  const nodeName = (id: string | null) => (id ? localName(props.nodes.find((n) => n.id === id) ?? { id }) : t('map.unserved'));
  // Zones have no names: "Zone n" numbers them in the plan's order, on the map and in the list alike.
  const zoneName = (id: string) => {
    const i = content?.changes.findIndex((c) => c.zoneId === id) ?? -1;
    return t('planEdit.zoneN', { n: i + 1, orders: fmt.int(content?.changes[i]?.demandOrdersPerDay ?? 0) });
  };

  // The map shows the zones the plan decides, coloured by the node that serves each after the edits.
  const planned = useMemo(() => new Map((preview?.changes ?? []).map((c) => [c.zoneId, c])), [preview]);
  const mapZones: MapZone[] = useMemo(
    () =>
      (geometry.data ?? [])
        .filter((z) => planned.has(z.id))
        .map((z) => {
          const c = planned.get(z.id)!;
          return { ...z, name: zoneName(z.id), demandOrdersPerDay: c.demandOrdersPerDay, servingNodeId: c.newNodeId, changed: z.id in moves };
        }),
    // zoneName reads the language through t.
    [geometry.data, planned, moves, t],
  );
  const zoneColors = useMemo(() => assignNodeColors(takers.map((n) => n.id)), [takers.map((n) => n.id).join(',')]);
  const mapNodes = useMemo(() => props.nodes.filter((n) => n.kind !== 'supplier' && n.kind !== 'distribution_centre').map((n) => ({ ...n, status: finalStatus.get(n.id) ?? n.status })), [props.nodes, props.plan]);
  const move = (zoneId: string, nodeId: string | null) => {
    setSaved(false);
    setMoves((m) => ({ ...m, [zoneId]: nodeId }));
  };
  const servingOf = (zoneId: string) => (zoneId in moves ? moves[zoneId] : (content?.changes.find((c) => c.zoneId === zoneId)?.newNodeId ?? null));

  if (!content) return null;
  return (
    <Card title={t('planEdit.title')} testId="plan-editor">
      <p className="small muted">{t('planEdit.intro')}</p>
      {zonesPart?.edited && <div className="note info small">{t('planEdit.edited')}</div>}
      <p className="small">{t('planEdit.mapHint')}</p>
      <div className="plan-editor-map" data-testid="plan-editor-map">
        <Suspense fallback={<NodeSketch nodes={mapNodes} />}>
          <MapView
            nodes={mapNodes}
            zones={mapZones}
            zoneColors={zoneColors}
            selectedZoneId={pickedZone}
            lang={i18n.language}
            onZoneClick={(id) => {
              setNotice(null);
              setPickedZone(id);
            }}
            onNodeClick={(id) => {
              if (!pickedZone) return;
              if (!takers.some((n) => n.id === id)) {
                setNotice(t('planEdit.notTaker', { node: nodeName(id) }));
                return;
              }
              setNotice(null);
              move(pickedZone, id);
            }}
          />
        </Suspense>
      </div>
      {pickedZone && planned.has(pickedZone) && (
        <div className="row" data-testid="plan-editor-picked">
          <span className="small">{t('planEdit.picked', { zone: zoneName(pickedZone), node: nodeName(servingOf(pickedZone)) })}</span>
          <ServedBySelect label={t('planEdit.pickNode')} testId="plan-editor-picked-node" takers={takers} value={servingOf(pickedZone)} onChange={(id) => move(pickedZone, id)} />
          <button type="button" className="ghost" onClick={() => setPickedZone(null)}>
            {t('planEdit.clearPick')}
          </button>
        </div>
      )}
      {notice && (
        <div className="note warn small" role="status" data-testid="plan-editor-notice">
          {notice}
        </div>
      )}
      <Table
        rows={moved}
        max={40}
        rowKey={(c) => c.zoneId}
        testId="plan-editor-zones"
        columns={[
          { key: 'zone', label: t('common.zone'), render: (c) => zoneName(c.zoneId) },
          { key: 'from', label: t('common.from'), render: (c) => nodeName(c.oldNodeId) },
          {
            key: 'to',
            label: t('common.to'),
            render: (c) => (
              <ServedBySelect
                label={t('planEdit.servedBy')}
                testId={`plan-editor-zone-${moved.indexOf(c)}`}
                takers={takers}
                value={c.zoneId in moves ? moves[c.zoneId] : c.newNodeId}
                onChange={(id) => move(c.zoneId, id)}
              />
            ),
          },
          { key: 'orders', label: t('incident.ordersPerDay'), num: true, render: (c) => fmt.int(c.demandOrdersPerDay) },
        ]}
      />
      {overloaded.length > 0 && (
        <div className="note warn small" data-testid="plan-editor-overload">
          {t('planEdit.overloaded', { nodes: overloaded.map((l) => `${nodeName(l.nodeId)} (${fmt.int(l.loadAfter)} / ${fmt.int(l.dailyOrderCapacity)})`).join(', ') })}
        </div>
      )}
      <ErrorNote error={error} />
      {saved && <div className="note good small" data-testid="plan-editor-saved">{t('planEdit.saved')}</div>}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy || Object.keys(moves).length === 0}
          data-testid="plan-editor-save"
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              await incidentList.editPart(props.incident.id, 'zones', moveZones(content, moves));
              setMoves({});
              setSaved(true);
              props.onChanged();
              props.onSimulate();
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          {busy ? t('common.working') : t('planEdit.save')}
        </button>
        <button type="button" className="ghost" disabled={busy || Object.keys(moves).length === 0} onClick={() => setMoves({})}>
          {t('planEdit.reset')}
        </button>
        <button
          type="button"
          disabled={busy}
          data-testid="plan-editor-redraft"
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              await incidentList.draft(props.incident.id);
              setMoves({});
              props.onChanged();
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          {t('planEdit.redraft')}
        </button>
      </div>
    </Card>
  );
}
