import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi } from '../api/network.ts';
import { workforceApi, type StaffingPlan } from '../api/workforce.ts';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { NodeSelect, stockNodes } from '../components/NodeSelect.tsx';
import { Badge, Card, DataState, ErrorNote, Kpi, Table, fmt } from '../components/ui.tsx';
import { useLoad } from '../hooks.ts';
import { localName } from '../i18n/index.ts';

/**
 * Staff: the roster per node (roles, permit, who lives on site), and staffing
 * plans: plan the next days, see the unmet hours by role and shift, apply.
 */
export function StaffPage() {
  const { t } = useTranslation();
  const nodes = useLoad((s) => networkApi.nodes(s), []);
  const list = stockNodes(nodes.data?.nodes ?? []);
  const [nodeId, setNodeId] = useState('');
  const staff = useLoad((s) => workforceApi.staff(nodeId ? { homeNodeId: nodeId } : {}, s), [nodeId]);
  const plans = useLoad((s) => workforceApi.plans(s), []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const nodeName = (id: string | null) => (id ? localName(list.find((n) => n.id === id) ?? { id }) : '–');
  const latest = plans.data?.plans[0];

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      plans.reload();
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
        title={t('staff.plansTitle')}
        testId="staffing-card"
        actions={
          <button type="button" className="primary" disabled={busy} onClick={() => void run(() => workforceApi.plan({ days: 3, rules: { timeLimitS: 30 } }))} data-testid="plan-staffing">
            {busy ? t('incident.planning') : t('staff.planNext')}
          </button>
        }
      >
        <ErrorNote error={error} />
        <DataState state={plans} what={t('nav.staff')}>
          {(d) => (d.plans.length === 0 ? <div className="note muted">{t('staff.noPlans')}</div> : <PlanView plan={latest!} nodeName={nodeName} busy={busy} onApply={(id) => void run(() => workforceApi.apply(id))} />)}
        </DataState>
      </Card>
      <Card className="wide" title={t('staff.roster')} actions={<NodeSelect nodes={list} value={nodeId} onChange={setNodeId} allowAll />}>
        <DataState state={staff} what={t('nav.staff')}>
          {(d) => (
            <>
              <div className="kpis">
                <Kpi label={t('staff.people')} value={fmt.int(d.staff.length)} />
                <Kpi label={t('staff.cleared')} value={fmt.int(d.staff.filter((s) => s.permitStatus === 'cleared').length)} tone="good" />
                <Kpi label={t('staff.liveOnSite')} value={fmt.int(d.staff.filter((s) => s.canLiveOnSite).length)} />
                <Kpi label={t('staff.insideArea')} value={fmt.int(d.staff.filter((s) => s.insideNodeId).length)} />
              </div>
              <Table
                rows={d.staff}
                max={50}
                rowKey={(s) => s.id}
                empty={t('staff.noStaff')}
                columns={[
                  { key: 'name', label: t('staff.name') },
                  { key: 'home', label: t('staff.home'), render: (s) => nodeName(s.homeNodeId) },
                  { key: 'roles', label: t('staff.roles'), render: (s) => s.roles.map((r) => t(`role.${r}`, { defaultValue: r })).join('、') },
                  { key: 'permit', label: t('staff.permit'), render: (s) => <Badge tone={s.permitStatus === 'cleared' ? 'good' : s.permitStatus === 'pending' ? 'warn' : 'bad'}>{t(`permit.${s.permitStatus}`, { defaultValue: s.permitStatus })}</Badge> },
                  { key: 'inside', label: t('staff.inside'), render: (s) => nodeName(s.insideNodeId) },
                  { key: 'max', label: t('staff.maxHours'), num: true, render: (s) => s.maxHoursPerDay },
                ]}
              />
            </>
          )}
        </DataState>
      </Card>
    </div>
  );
}

function PlanView(props: { plan: StaffingPlan; nodeName: (id: string) => string; busy: boolean; onApply: (id: string) => void }) {
  const { t } = useTranslation();
  const { plan } = props;
  const r = plan.review;
  const option: ChartOption = useMemo(() => {
    const roles = [...new Set(r.shortfallByRoleShift.map((s) => s.role))];
    const shifts = [...new Set(r.shortfallByRoleShift.map((s) => s.shiftId))].sort();
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 6, right: 10, top: 30, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: shifts, axisLabel: { fontSize: 10 } },
      yAxis: { type: 'value', name: t('staff.hours') },
      series: roles.map((role) => ({
        name: t(`role.${role}`, { defaultValue: role }),
        type: 'bar',
        stack: 'unmet',
        data: shifts.map((sh) => Math.round((r.shortfallByRoleShift.find((x) => x.role === role && x.shiftId === sh)?.unmetMin ?? 0) / 6) / 10),
      })),
    };
  }, [r, t]);
  return (
    <div className="stack">
      <div className="row">
        <Badge tone={plan.status === 'applied' ? 'good' : 'info'}>{t(`staff.planStatus.${plan.status}`, { defaultValue: plan.status })}</Badge>
        <span className="small muted">
          {fmt.time(plan.startsAt)} → {fmt.time(plan.endsAt)} · {plan.method}
        </span>
        {plan.status === 'draft' && (
          <button type="button" disabled={props.busy} onClick={() => props.onApply(plan.id)} data-testid="apply-staffing">
            {t('staff.apply')}
          </button>
        )}
      </div>
      <div className="kpis">
        <Kpi label={t('staff.requiredHours')} value={fmt.int(r.totals.requiredMin / 60)} />
        <Kpi label={t('staff.coveredHours')} value={fmt.int(r.totals.coveredMin / 60)} tone="good" />
        <Kpi label={t('staff.unmetHours')} value={fmt.int(r.totals.unmetMin / 60)} tone={r.totals.unmetMin > 0 ? 'bad' : 'good'} testId="kpi-unmet" />
        <Kpi label={t('staff.rostered')} value={fmt.int(r.totals.peopleRostered)} />
        <Kpi label={t('staff.borrowed')} value={fmt.int(r.totals.peopleBorrowed)} />
      </div>
      {r.shortfallByRoleShift.length > 0 && (
        <>
          <h3>{t('staff.unmetByRoleShift')}</h3>
          <Chart option={option} height={220} />
        </>
      )}
      {plan.notes.length > 0 && <div className="small muted">{plan.notes.join(' · ')}</div>}
    </div>
  );
}
