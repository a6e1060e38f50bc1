import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { incidentList, kpiRows, planView, type Incident, type IncidentDetail, type IncidentPlan, type KpiComparison, type TimelineEntry } from '../api/incidents.ts';
import { networkApi } from '../api/network.ts';
import { ConfirmAction } from '../components/Confirm.tsx';
import { Badge, Card, DataState, ErrorNote, Kpi, Table, fmt } from '../components/ui.tsx';
import { useLoad } from '../hooks.ts';
import { navigate } from '../router.ts';
import { PlanReview } from './PlanReview.tsx';
import { PlanEditor } from './PlanEditor.tsx';
import { PlanRerun } from './PlanRerun.tsx';

const STATUS_TONE: Record<Incident['status'], string> = { declared: 'warn', planned: 'warn', applied: 'bad', lifted: 'good', discarded: '' };

/** The network's time zone is Beijing (UTC+8, no daylight saving): a datetime-local value read there. */
export function beijingInputToIso(v: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return null;
  const d = new Date(`${v}:00+08:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
export function isoToBeijingInput(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16);
}

/** The incidents: every one with its status; open one for its plan, simulation, what was applied and its timeline. */
export function IncidentsPage(props: { id?: string }) {
  return props.id ? <IncidentDetailView id={decodeURIComponent(props.id)} /> : <IncidentListView />;
}

function IncidentListView() {
  const { t } = useTranslation();
  const list = useLoad((s) => incidentList.list(s), []);
  return (
    <div className="page">
      <Card title={t('incidents.title')} testId="incident-list" actions={<button type="button" className="ghost" onClick={list.reload}>{t('common.refresh')}</button>}>
        <DataState state={list} what={t('nav.incidents')}>
          {(d) => (
            <Table
              rows={d.incidents}
              testId="incidents-table"
              empty={t('incidents.none')}
              rowKey={(r) => r.id}
              columns={[
                {
                  key: 'name',
                  label: t('incidents.name'),
                  render: (r) => (
                    <a
                      href={`/app/incidents/${encodeURIComponent(r.id)}`}
                      data-testid={`incident-link-${r.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/app/incidents/${encodeURIComponent(r.id)}`);
                      }}
                    >
                      {r.name}
                    </a>
                  ),
                },
                { key: 'status', label: t('common.status'), render: (r) => <Badge tone={STATUS_TONE[r.status]}>{t(`incidentStatus.${r.status}`)}</Badge> },
                { key: 'areas', label: t('incidents.areas'), num: true, render: (r) => r.spec.areas.length },
                { key: 'declared', label: t('incidents.declaredAt'), render: (r) => fmt.time(r.declaredAt) },
                { key: 'ends', label: t('incidents.endsAt'), render: (r) => endOf(r) ?? t('incidents.untilLifted') },
                { key: 'closed', label: t('incidents.closedAt'), render: (r) => fmt.time(r.liftedAt ?? r.discardedAt ?? null) },
              ]}
            />
          )}
        </DataState>
      </Card>
    </div>
  );
}

/** The latest end of the incident's areas, in Beijing time, or null when one runs until lifted. */
function endOf(r: Incident): string | null {
  const ends = r.spec.areas.map((a) => a.endsAt ?? null);
  if (ends.some((e) => e === null)) return null;
  return fmt.time(ends.sort().at(-1)!);
}

function IncidentDetailView(props: { id: string }) {
  const { t } = useTranslation();
  const detail = useLoad((s) => incidentList.get(props.id, s), [props.id]);
  const timeline = useLoad((s) => incidentList.timeline(props.id, s), [props.id]);
  const nodes = useLoad((s) => networkApi.nodes(s), []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [kpis, setKpis] = useState<{ days: number; rows: KpiComparison[] } | null>(null);
  const [simulating, setSimulating] = useState(false);
  const [endInput, setEndInput] = useState('');

  const reload = () => {
    detail.reload();
    timeline.reload();
    nodes.reload();
  };
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const simulate = async () => {
    setSimulating(true);
    setError(undefined);
    try {
      const r = await incidentList.simulate(props.id);
      setKpis({
        days: r.days,
        rows: kpiRows(r),
      });
    } catch (e) {
      setError(e);
    } finally {
      setSimulating(false);
    }
  };

  return (
    <div className="page">
      <div className="row wide">
        <a
          href="/app/incidents"
          data-testid="incidents-back"
          onClick={(e) => {
            e.preventDefault();
            navigate('/app/incidents');
          }}
        >
          ← {t('incidents.all')}
        </a>
      </div>
      <DataState state={detail} what={t('nav.incidents')}>
        {(d) => {
          const view = planView(d);
          const plan: IncidentPlan | null = view ? { ...view, kpis: kpis?.rows ?? [], simulationDays: kpis?.days } : null;
          return (
            <>
              <Card
                title={
                  <>
                    {d.name} <Badge tone={STATUS_TONE[d.status]}>{t(`incidentStatus.${d.status}`)}</Badge>
                    {detail.loading && <span className="small muted"> {t('common.loading')}</span>}
                  </>
                }
                testId="incident-detail"
              >
                <dl className="facts">
                  <div>
                    <dt>{t('incidents.declaredAt')}</dt>
                    <dd>{fmt.time(d.declaredAt)}</dd>
                  </div>
                  <div>
                    <dt>{t('incidents.appliedAt')}</dt>
                    <dd>{fmt.time(d.appliedAt)}</dd>
                  </div>
                  <div>
                    <dt>{t('incidents.endsAt')}</dt>
                    <dd data-testid="incident-ends">{endOf(d) ?? t('incidents.untilLifted')}</dd>
                  </div>
                  <div>
                    <dt>{t('incidents.closedAt')}</dt>
                    <dd>{fmt.time(d.liftedAt ?? d.discardedAt ?? null)}</dd>
                  </div>
                </dl>
                <Table
                  rows={d.spec.areas}
                  rowKey={(a) => a.id}
                  columns={[
                    { key: 'name', label: t('incidents.area'), render: (a) => a.name ?? a.id },
                    { key: 'level', label: t('incident.level'), render: (a) => t(`level.${a.level}`) },
                    { key: 'starts', label: t('incidents.startsAt'), render: (a) => fmt.time(a.startsAt) },
                    { key: 'ends', label: t('incidents.endsAt'), render: (a) => (a.endsAt ? fmt.time(a.endsAt) : t('incidents.untilLifted')) },
                  ]}
                />
                <ErrorNote error={error} />
                <div className="row" data-testid="incident-actions">
                  {d.status === 'declared' && (
                    <button type="button" className="primary" disabled={busy} data-testid="incident-draft" onClick={() => void run(() => incidentList.draft(d.id))}>
                      {busy ? t('incident.planning') : t('incidents.draft')}
                    </button>
                  )}
                  {d.status === 'planned' && d.plan && (
                    <>
                      <button type="button" disabled={simulating || busy} data-testid="incident-simulate" onClick={() => void simulate()}>
                        {simulating ? t('incident.simulating') : t('incidents.simulate')}
                      </button>
                      <ConfirmAction
                        testId="incident-apply"
                        tone="primary"
                        busy={busy}
                        label={t('incident.apply')}
                        title={t('incidents.applyTitle')}
                        consequences={<ApplyImpacts detail={d} plan={plan} />}
                        onConfirm={() => run(() => incidentList.apply(d.id))}
                      />
                    </>
                  )}
                  {(d.status === 'declared' || d.status === 'planned') && (
                    <ConfirmAction
                      testId="incident-discard"
                      tone="danger"
                      busy={busy}
                      label={t('incidents.discard')}
                      title={t('incidents.discardTitle')}
                      consequences={t('incidents.discardConsequences')}
                      onConfirm={() => run(() => incidentList.discard(d.id))}
                    />
                  )}
                  {d.status === 'applied' && (
                    <ConfirmAction
                      testId="incident-lift"
                      tone="danger"
                      busy={busy}
                      label={t('incidents.lift')}
                      title={t('incidents.liftTitle')}
                      consequences={t('incidents.liftConsequences', { nodes: (plan?.nodeChanges ?? []).length, zones: (plan?.zoneMoves ?? []).length })}
                      onConfirm={() => run(() => incidentList.lift(d.id))}
                    />
                  )}
                </div>
                {(d.status === 'declared' || d.status === 'planned' || d.status === 'applied') && (
                  <div className="row" data-testid="incident-extend">
                    <label>
                      {t('incidents.newEnd')}
                      <input type="datetime-local" value={endInput} data-testid="incident-end-input" onChange={(e) => setEndInput(e.target.value)} />
                    </label>
                    <ConfirmAction
                      testId="incident-extend-button"
                      busy={busy}
                      disabled={!beijingInputToIso(endInput)}
                      label={t('incidents.setEnd')}
                      title={t('incidents.extendTitle')}
                      consequences={t(d.status === 'applied' ? 'incidents.extendConsequencesApplied' : 'incidents.extendConsequences', { at: fmt.time(beijingInputToIso(endInput)) })}
                      onConfirm={() => run(() => incidentList.extend(d.id, beijingInputToIso(endInput)))}
                    />
                  </div>
                )}
              </Card>
              {d.status === 'planned' && d.plan && plan && (
                <PlanEditor incident={d} plan={plan} nodes={nodes.data?.nodes ?? []} onChanged={reload} onSimulate={() => void simulate()} />
              )}
              {d.status === 'planned' && d.plan?.status === 'draft' && <PlanRerun incident={d} nodes={nodes.data?.nodes ?? []} onChanged={reload} onSimulate={() => void simulate()} />}
              {plan && (
                <Card title={d.status === 'planned' ? t('incidents.planDraft') : t('incidents.planApplied')} testId="incident-plan">
                  <PlanReview plan={plan} nodes={nodes.data?.nodes ?? []} simulating={simulating} />
                  {d.status === 'planned' && kpis === null && !simulating && <div className="small muted">{t('incidents.simulateHint')}</div>}
                </Card>
              )}
              {d.plan && (d.plan.steps ?? []).length > 0 && (
                <Card title={t('incidents.steps')} testId="incident-steps">
                  <Table
                    rows={d.plan.steps ?? []}
                    rowKey={(s) => `${s.position}`}
                    columns={[
                      { key: 'step', label: t('incidents.step'), render: (s) => t(`applyStep.${s.step}`, { defaultValue: s.step }) },
                      { key: 'status', label: t('common.status'), render: (s) => <Badge tone={s.status === 'applied' ? 'good' : 'bad'}>{t(`stepStatus.${s.status}`, { defaultValue: s.status })}</Badge> },
                      { key: 'at', label: t('incidents.at'), render: (s) => fmt.time(s.at) },
                    ]}
                  />
                </Card>
              )}
              {d.liftPlan && <LiftSummary detail={d} />}
            </>
          );
        }}
      </DataState>
      <Card title={t('incidents.timeline')} testId="incident-timeline">
        <DataState state={timeline} what={t('incidents.timeline')}>
          {(tl) => (
            <ol className="timeline">
              {tl.entries.map((e, i) => (
                <li key={i}>
                  <span className="muted small">{fmt.time(e.at)}</span> {timelineText(t, e)}
                  {e.username && <span className="muted small"> · {e.username}</span>}
                </li>
              ))}
            </ol>
          )}
        </DataState>
      </Card>
    </div>
  );
}

function timelineText(t: TFunction, e: TimelineEntry): string {
  const p = e.params;
  if (e.kind === 'request') return t('timeline.request', { action: t(`timelineAction.${String(p.action)}`, { defaultValue: String(p.action) }), status: p.status });
  if (e.kind === 'part_edited') return t('timeline.part_edited', { part: t(`planPart.${String(p.part)}`, { defaultValue: String(p.part) }) });
  if (e.kind.startsWith('step_')) return t(`timeline.${e.kind}`, { step: t(`applyStep.${String(p.step)}`, { defaultValue: String(p.step) }), defaultValue: e.kind });
  return t(`timeline.${e.kind}`, { ...p, defaultValue: e.kind });
}

/** What applying will do, from the draft's summary: shown in the confirmation. */
function ApplyImpacts(props: { detail: IncidentDetail; plan: IncidentPlan | null }) {
  const { t } = useTranslation();
  const s = (props.detail.plan?.summary ?? {}) as Record<string, unknown>;
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : null);
  // Units the sourcing part moves: what the receivers need, less what stays short.
  const sourcing = props.detail.plan?.parts.find((p) => p.part === 'sourcing')?.content as { summary?: { needUnits?: number; shortageUnits?: number } } | undefined;
  const units = typeof sourcing?.summary?.needUnits === 'number' ? sourcing.summary.needUnits - (sourcing.summary.shortageUnits ?? 0) : null;
  return (
    <div data-testid="apply-impacts">
      <p>{t('incidents.applyConsequences')}</p>
      <div className="kpis">
        <Kpi label={t('summary.ordersPerDayCovered')} value={fmt.int(num('ordersPerDayCovered'))} />
        <Kpi label={t('incidents.nodesChanging')} value={fmt.int(props.plan?.nodeChanges.length ?? 0)} />
        <Kpi label={t('incidents.zonesChanged')} value={fmt.int(props.plan?.zoneMoves.length ?? 0)} />
        <Kpi label={t('incidents.unitsMoved')} value={fmt.int(units)} />
        <Kpi label={t('summary.trips')} value={fmt.int(num('trips'))} />
        <Kpi label={t('summary.staffHoursAssigned')} value={fmt.int(num('staffHoursAssigned'))} />
      </div>
    </div>
  );
}

function LiftSummary(props: { detail: IncidentDetail }) {
  const { t } = useTranslation();
  const parts = props.detail.liftPlan?.parts ?? [];
  const actions = (parts.find((p) => p.part === 'actions')?.content ?? []) as Array<{ action: string }>;
  const surplus = parts.find((p) => p.part === 'surplus_rebalance')?.content as { lines?: Array<{ itemId: string; surplusUnits: number }> } | undefined;
  return (
    <Card title={t('incidents.lifted')} testId="incident-lift-summary">
      <ul>
        {actions.map((a, i) => (
          <li key={i}>{t(`liftAction.${a.action}`, { defaultValue: a.action })}</li>
        ))}
      </ul>
      {(surplus?.lines ?? []).length > 0 && <div className="note info small">{t('incidents.surplus', { n: surplus!.lines!.length, units: fmt.int(surplus!.lines!.reduce((a, l) => a + l.surplusUnits, 0)) })}</div>}
    </Card>
  );
}
