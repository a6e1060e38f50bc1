import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { incidentList, type IncidentDetail, type RerunBody } from '../api/incidents.ts';
import type { Node } from '../api/network.ts';
import { Card, ErrorNote, Table, fmt } from '../components/ui.tsx';
import { checkNumber, checkWhole } from '../forms.ts';
import { localName } from '../i18n/index.ts';
import { planningApi } from '../api/planning.ts';
import { useLoad } from '../hooks.ts';

interface NodeChange {
  nodeId: string;
  maxDeliveryRadiusM?: { from: number; to: number };
  dailyOrderCapacity?: { from: number; to: number };
}

interface Row {
  radiusKm: string;
  capacity: string;
  receives: boolean;
}

const TRADING = new Set(['open', 'online_only']);
/** The largest assortment the server accepts for a plan (src/flows/incident/rerun.ts). */
const MAX_ASSORTMENT = 5000;
const DELIVERY = new Set(['store', 'satellite_warehouse', 'emergency_warehouse']);

/**
 * The planner's settings for a drafted plan, re-run part by part on the server
 * (POST /api/incidents/:id/plan/parts/:part/rerun): each delivery node's radius and daily
 * capacity for the incident and whether it takes zones (the zone assignment runs again),
 * which nodes receive stock (the sourcing plan and its trips are drafted again), and the
 * assortment size (targets, sourcing and trips follow). Values
 * are checked before sending; a re-run part is marked edited and simulated again.
 */
export function PlanRerun(props: { incident: IncidentDetail; nodes: Node[]; onChanged: () => void; onSimulate: () => void }) {
  const { t } = useTranslation();
  const parts = props.incident.plan?.parts ?? [];
  const zones = parts.find((p) => p.part === 'zones')?.content as { nodeChanges?: NodeChange[]; notReceiving?: string[] } | undefined;
  const sourcing = parts.find((p) => p.part === 'sourcing')?.content as { receivers?: string[] } | undefined;
  const assortment = (parts.find((p) => p.part === 'targets')?.content as { assortment?: { size: number; items: number; keyItems: number; coverageShare: number } } | undefined)?.assortment;
  const settings = useLoad((s) => planningApi.settings(s), []);
  const [sizeText, setSizeText] = useState<string | null>(null);
  const size = sizeText ?? String(assortment?.size ?? settings.data?.size ?? 500);
  const changes = new Map((zones?.nodeChanges ?? []).map((c) => [c.nodeId, c]));
  const notReceiving = new Set(zones?.notReceiving ?? []);
  // A node trades during the incident when it trades now and the plan's status changes leave it trading.
  const statusAfter = new Map(props.nodes.map((n) => [n.id, n.status as string]));
  for (const c of (parts.find((p) => p.part === 'node_status')?.content as { changes?: Array<{ nodeId: string; to: string }> } | undefined)?.changes ?? []) statusAfter.set(c.nodeId, c.to);
  const trades = (n: Node) => TRADING.has(n.status) && TRADING.has(statusAfter.get(n.id) ?? n.status);
  const delivery = props.nodes.filter((n) => DELIVERY.has(n.kind));
  const planned = (n: Node): Row => ({
    radiusKm: String((changes.get(n.id)?.maxDeliveryRadiusM?.to ?? n.maxDeliveryRadiusM) / 1000),
    capacity: String(changes.get(n.id)?.dailyOrderCapacity?.to ?? n.dailyOrderCapacity),
    receives: !notReceiving.has(n.id),
  });
  const [edits, setEdits] = useState<Record<string, Row>>({});
  const [receivers, setReceivers] = useState<string[] | null>(null);
  const [busy, setBusy] = useState<'zones' | 'sourcing' | 'targets' | null>(null);
  const [error, setError] = useState<unknown>();
  const [problems, setProblems] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const chosen = receivers ?? sourcing?.receivers ?? [];
  const row = (n: Node) => edits[n.id] ?? planned(n);
  const edit = (n: Node, patch: Partial<Row>) => {
    setDone(null);
    setEdits((e) => ({ ...e, [n.id]: { ...row(n), ...patch } }));
  };

  const run = async (part: 'zones' | 'sourcing' | 'targets', body: RerunBody) => {
    setBusy(part);
    setError(undefined);
    try {
      await incidentList.rerunPart(props.incident.id, part, body);
      setDone(part);
      if (part === 'zones') setEdits({});
      else if (part === 'sourcing') setReceivers(null);
      else setSizeText(null);
      props.onChanged();
      props.onSimulate();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const rerunZones = () => {
    const bad: string[] = [];
    const nodes: Array<{ nodeId: string; maxDeliveryRadiusM?: number; dailyOrderCapacity?: number; receivesZones?: boolean }> = [];
    for (const n of delivery) {
      const e = edits[n.id];
      if (!e) continue;
      const radius = checkNumber(e.radiusKm, `${localName(n)} · ${t('map.radius')}`, 0, 50);
      const capacity = checkWhole(e.capacity, `${localName(n)} · ${t('map.capacity')}`, 0);
      if (!radius.ok) bad.push(t(radius.key, radius.params));
      if (!capacity.ok) bad.push(t(capacity.key, capacity.params));
      if (radius.ok && capacity.ok) nodes.push({ nodeId: n.id, maxDeliveryRadiusM: Math.round(radius.value * 1000), dailyOrderCapacity: capacity.value, receivesZones: e.receives });
    }
    setProblems(bad);
    if (bad.length === 0 && nodes.length > 0) void run('zones', { nodes });
  };

  const rerunTargets = () => {
    const n = checkWhole(size, t('planRerun.assortmentSize'), 1);
    const bad = !n.ok ? [t(n.key, n.params)] : n.value > MAX_ASSORTMENT ? [t('form.outOfRange', { field: t('planRerun.assortmentSize'), min: 1, max: MAX_ASSORTMENT, value: size })] : [];
    setProblems(bad);
    if (n.ok && bad.length === 0) void run('targets', { assortmentSize: n.value });
  };

  return (
    <Card title={t('planRerun.title')} testId="plan-rerun">
      <p className="small muted">{t('planRerun.intro')}</p>
      <Table
        rows={delivery}
        rowKey={(n) => n.id}
        testId="plan-rerun-nodes"
        columns={[
          { key: 'node', label: t('common.node'), render: (n) => localName(n) },
          {
            key: 'receives',
            label: t('planRerun.receivesZones'),
            render: (n) => (
              <input
                type="checkbox"
                aria-label={`${localName(n)}: ${t('planRerun.receivesZones')}`}
                data-testid={`plan-rerun-receives-${n.id}`}
                disabled={!trades(n)}
                checked={trades(n) && row(n).receives}
                onChange={(e) => edit(n, { receives: e.target.checked })}
              />
            ),
          },
          {
            key: 'radius',
            label: t('planRerun.radiusKm'),
            render: (n) => <input className="num-input" inputMode="decimal" aria-label={`${localName(n)}: ${t('planRerun.radiusKm')}`} data-testid={`plan-rerun-radius-${n.id}`} value={row(n).radiusKm} onChange={(e) => edit(n, { radiusKm: e.target.value })} />,
          },
          {
            key: 'capacity',
            label: t('planRerun.capacity'),
            render: (n) => <input className="num-input" inputMode="numeric" aria-label={`${localName(n)}: ${t('planRerun.capacity')}`} data-testid={`plan-rerun-capacity-${n.id}`} value={row(n).capacity} onChange={(e) => edit(n, { capacity: e.target.value })} />,
          },
        ]}
      />
      {problems.length > 0 && (
        <div className="note bad small" role="alert" data-testid="plan-rerun-problems">
          {problems.map((p) => (
            <div key={p}>{p}</div>
          ))}
        </div>
      )}
      <div className="row">
        <button type="button" className="primary" disabled={busy !== null || Object.keys(edits).length === 0} data-testid="plan-rerun-zones" onClick={rerunZones}>
          {busy === 'zones' ? t('common.working') : t('planRerun.rerunZones', { n: Object.keys(edits).length })}
        </button>
        <button type="button" className="ghost" disabled={busy !== null || Object.keys(edits).length === 0} onClick={() => setEdits({})}>
          {t('planEdit.reset')}
        </button>
      </div>

      <h3 className="small">{t('planRerun.receivers')}</h3>
      <div className="row wrap" data-testid="plan-rerun-receivers">
        {props.nodes
          .filter((n) => trades(n) && DELIVERY.has(n.kind))
          .map((n) => (
            <label key={n.id} className="check small">
              <input
                type="checkbox"
                data-testid={`plan-rerun-receiver-${n.id}`}
                checked={chosen.includes(n.id)}
                onChange={(e) => {
                  setDone(null);
                  setReceivers(e.target.checked ? [...chosen, n.id] : chosen.filter((id) => id !== n.id));
                }}
              />
              {localName(n)}
            </label>
          ))}
      </div>
      <div className="row">
        <button type="button" className="primary" disabled={busy !== null || receivers === null || chosen.length === 0} data-testid="plan-rerun-sourcing" onClick={() => void run('sourcing', { receivers: chosen })}>
          {busy === 'sourcing' ? t('common.working') : t('planRerun.rerunSourcing', { n: fmt.int(chosen.length) })}
        </button>
      </div>
      <h3 className="small">{t('planRerun.assortment')}</h3>
      {assortment && (
        <div className="small muted" data-testid="plan-rerun-assortment-now">
          {t('planRerun.assortmentNow', { items: fmt.int(assortment.items), key: fmt.int(assortment.keyItems), share: `${Math.round(assortment.coverageShare * 100)}%` })}
        </div>
      )}
      <div className="row">
        <label>
          {t('planRerun.assortmentSize')}{' '}
          <input
            className="num-input"
            inputMode="numeric"
            data-testid="plan-rerun-assortment-size"
            value={size}
            onChange={(e) => {
              setDone(null);
              setSizeText(e.target.value);
            }}
          />
        </label>
        <button type="button" className="primary" disabled={busy !== null || sizeText === null} data-testid="plan-rerun-targets" onClick={rerunTargets}>
          {busy === 'targets' ? t('common.working') : t('planRerun.rerunTargets', { n: size })}
        </button>
      </div>
      <ErrorNote error={error} />
      {done && (
        <div className="note good small" data-testid="plan-rerun-done">
          {t(`planRerun.done.${done}`)}
        </div>
      )}
    </Card>
  );
}
