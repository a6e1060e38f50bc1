import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Node } from '../api/network.ts';
import { incidentsApi, type IncidentPlan } from '../api/incidents.ts';
import { Card, ErrorNote } from '../components/ui.tsx';
import { PlanReview } from './PlanReview.tsx';
import { localName } from '../i18n/index.ts';
import { AreaCoordinates } from '../components/AreaCoordinates.tsx';
import { PlaceSearch } from '../components/PlaceSearch.tsx';
import { navigate } from '../router.ts';

export interface IncidentPanelProps {
  nodes: Node[];
  drawing: boolean;
  draft: Array<[number, number]>;
  placing: boolean;
  warehouseAt: [number, number] | null;
  onStartPlacing: () => void;
  /** The corners typed as coordinates (instead of clicked on the map). */
  onDraftEntered?: (corners: Array<[number, number]>) => void;
  /** The warehouse's place picked by name from the known places. */
  onPlaceWarehouse?: (at: [number, number]) => void;
  onClearWarehouse: () => void;
  onStartDrawing: () => void;
  onUndo: () => void;
  onFinishDrawing: () => void;
  onCancel: () => void;
  /** Zone id → proposed serving node, to colour the map before applying. */
  onPreview: (assignments: Record<string, string | null> | null) => void;
  /** Something changed on the server (area declared, plan applied): reload the map. */
  onChanged: () => void;
  onApplied: () => void;
}

const LEVELS = ['lockdown', 'controlled', 'precaution'] as const;

/**
 * Declaring an incident: draw the control area on the map, name it and pick its
 * level, see what it would do (nothing changes yet), declare it and get the zone
 * reassignment proposal, review it (zones on the map take the proposed colours),
 * then apply.
 */
export function IncidentPanel(props: IncidentPanelProps) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [level, setLevel] = useState<(typeof LEVELS)[number]>('lockdown');
  const [onlineOnly, setOnlineOnly] = useState(false);
  const [warehouse, setWarehouse] = useState(false);
  const templates = props.nodes.filter((n) => n.kind === 'satellite_warehouse' || n.kind === 'emergency_warehouse' || n.kind === 'store');
  const [templateId, setTemplateId] = useState('');
  const template = templateId || templates.find((n) => n.kind === 'satellite_warehouse')?.id || templates[0]?.id || '';
  const [plan, setPlan] = useState<IncidentPlan | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [applied, setApplied] = useState<IncidentPlan | null>(null);
  const [simulating, setSimulating] = useState(false);
  const ready = !props.drawing && props.draft.length >= 3;

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const reset = () => {
    setPlan(null);
    setError(undefined);
    props.onPreview(null);
    props.onCancel();
  };

  return (
    <Card title={t('incident.title')} testId="incident-panel">
      {!props.drawing && props.draft.length === 0 && !plan && (
        <>
          <p className="small muted">{t('incident.intro')}</p>
          {applied && (
            <div className="note good" data-testid="incident-applied">
              {t('incident.appliedNote', { name: applied.name, n: applied.zoneMoves.length })}
            </div>
          )}
          <button
            type="button"
            className="primary"
            data-testid="draw-area"
            onClick={() => {
              setApplied(null);
              props.onStartDrawing();
            }}
          >
            ✏️ {t('incident.draw')}
          </button>
        </>
      )}
      {props.drawing && (
        <>
          <div className="note info" data-testid="draw-help">
            {t('incident.drawHelp', { n: props.draft.length })}
          </div>
          <div className="row">
            <button type="button" className="primary" disabled={props.draft.length < 3} data-testid="finish-area" onClick={props.onFinishDrawing}>
              {t('incident.finish')}
            </button>
            <button type="button" disabled={props.draft.length === 0} onClick={props.onUndo}>
              {t('incident.undo')}
            </button>
            <button type="button" className="ghost" onClick={reset}>
              {t('common.cancel')}
            </button>
          </div>
          {props.onDraftEntered && <AreaCoordinates onUse={props.onDraftEntered} />}
        </>
      )}
      {ready && !plan && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              const ew =
                warehouse && props.warehouseAt
                  ? { templateNodeId: template, lat: props.warehouseAt[0], lng: props.warehouseAt[1], nameZh: `${name.trim() || '应急'}保供仓`, nameEn: `${name.trim() || 'Incident'} emergency warehouse` }
                  : null;
              setPlan(await incidentsApi.preview({ name: name.trim() || t('incident.defaultName'), level, ring: props.draft, allowOnlineOnly: onlineOnly, emergencyWarehouse: ew }));
            });
          }}
        >
          <label>
            {t('incident.name')}
            <input data-testid="area-name" value={name} placeholder={t('incident.defaultName')} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            {t('incident.level')}
            <select data-testid="area-level" value={level} onChange={(e) => setLevel(e.target.value as typeof level)}>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`level.${l}`)}
                </option>
              ))}
            </select>
          </label>
          {level === 'lockdown' && (
            <label className="check">
              <input type="checkbox" checked={onlineOnly} onChange={(e) => setOnlineOnly(e.target.checked)} />
              {t('incident.onlineOnly')}
            </label>
          )}
          <label className="check">
            <input
              type="checkbox"
              checked={warehouse}
              data-testid="with-warehouse"
              onChange={(e) => {
                setWarehouse(e.target.checked);
                if (!e.target.checked) props.onClearWarehouse();
              }}
            />
            {t('incident.openWarehouse')}
          </label>
          {warehouse && (
            <div className="stack indent">
              <div className="row">
                <button type="button" onClick={props.onStartPlacing} data-testid="place-warehouse" className={props.placing ? 'primary' : ''}>
                  {props.placing ? t('incident.clickToPlace') : props.warehouseAt ? t('incident.movePlace') : t('incident.placeOnMap')}
                </button>
                {props.warehouseAt && (
                  <span className="small muted">
                    {props.warehouseAt[0].toFixed(4)}, {props.warehouseAt[1].toFixed(4)}
                  </span>
                )}
              </div>
              {props.onPlaceWarehouse && <PlaceSearch testId="warehouse-place-search" onPick={(p) => props.onPlaceWarehouse?.([p.lat, p.lng])} />}
              <label>
                {t('incident.template')}
                <select value={template} onChange={(e) => setTemplateId(e.target.value)}>
                  {templates.map((n) => (
                    <option key={n.id} value={n.id}>
                      {localName(n)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}
          <ErrorNote error={error} />
          <div className="row">
            <button type="submit" className="primary" disabled={busy || (warehouse && !props.warehouseAt)} data-testid="preview-area">
              {busy ? t('common.working') : t('incident.preview')}
            </button>
            <button type="button" className="ghost" onClick={reset}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {plan && (
        <>
          <div className="steps small">
            <span className={plan.stage === 'preview' ? 'active' : 'done'}>1 {t('incident.stepPreview')}</span>
            <span className={plan.stage === 'declared' ? 'active' : plan.stage === 'preview' ? '' : 'done'}>2 {t('incident.stepReview')}</span>
            <span>3 {t('incident.stepApply')}</span>
          </div>
          <PlanReview plan={plan} nodes={props.nodes} simulating={simulating} />
          <ErrorNote error={error} />
          {plan.stage === 'preview' && (
            <>
              <div className="note info small">{t('incident.declareNote')}</div>
              <div className="row">
                <button
                  type="button"
                  className="danger"
                  disabled={busy}
                  data-testid="declare-area"
                  onClick={() =>
                    void run(async () => {
                      const p = await incidentsApi.declareAndPlan(plan);
                      setPlan(p);
                      props.onPreview(p.assignments);
                      props.onChanged();
                      if (p.incidentId) {
                        setSimulating(true);
                        incidentsApi
                          .simulate(p)
                          .then((withKpis) => setPlan((cur) => (cur && cur.incidentId === withKpis.incidentId && cur.stage === 'declared' ? { ...cur, kpis: withKpis.kpis, simulationDays: withKpis.simulationDays } : cur)))
                          .catch((err: unknown) => setError(err))
                          .finally(() => setSimulating(false));
                      }
                    })
                  }
                >
                  {busy ? t('incident.planning') : t('incident.declare')}
                </button>
                <button type="button" className="ghost" onClick={reset}>
                  {t('common.cancel')}
                </button>
              </div>
            </>
          )}
          {plan.stage === 'declared' && plan.incidentId && (
            <a
              href={`/app/incidents/${encodeURIComponent(plan.incidentId)}`}
              className="small"
              data-testid="open-incident"
              onClick={(e) => {
                e.preventDefault();
                navigate(`/app/incidents/${encodeURIComponent(plan.incidentId!)}`);
              }}
            >
              {t('incidents.openToEdit')}
            </a>
          )}
          {plan.stage === 'declared' && (
            <div className="row">
              <button
                type="button"
                className="primary"
                // The server refuses a plan never simulated (plan_not_simulated): wait for the simulation.
                disabled={busy || simulating}
                data-testid="apply-plan"
                onClick={() =>
                  void run(async () => {
                    const p = await incidentsApi.apply(plan);
                    setApplied(p);
                    setPlan(null);
                    props.onPreview(null);
                    props.onApplied();
                  })
                }
              >
                {busy && plan.stage === 'declared' ? t('common.working') : t('incident.apply')}
              </button>
              <button
                type="button"
                className="ghost"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await incidentsApi.discard(plan);
                    reset();
                    props.onChanged();
                  })
                }
              >
                {t('incident.liftAndDiscard')}
              </button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
