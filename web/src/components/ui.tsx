import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import type { Loaded } from '../hooks.ts';

/** A titled card. */
export function Card(props: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; testId?: string }) {
  return (
    <section className={`card ${props.className ?? ''}`} data-testid={props.testId}>
      {(props.title || props.actions) && (
        <header className="card-head">
          {props.title && <h2>{props.title}</h2>}
          {props.actions && <div className="card-actions">{props.actions}</div>}
        </header>
      )}
      <div className="card-body">{props.children}</div>
    </section>
  );
}

/** A headline number. */
export function Kpi(props: { label: ReactNode; value: ReactNode; tone?: 'good' | 'warn' | 'bad'; hint?: ReactNode; testId?: string }) {
  return (
    <div className={`kpi ${props.tone ?? ''}`} data-testid={props.testId}>
      <div className="kpi-value">{props.value}</div>
      <div className="kpi-label">{props.label}</div>
      {props.hint && <div className="kpi-hint">{props.hint}</div>}
    </div>
  );
}

export function Badge(props: { tone?: string; children: ReactNode }) {
  return <span className={`badge ${props.tone ?? ''}`}>{props.children}</span>;
}

/** Shows the error of a failed call: the server's message, and the field and values it names. */
export function ErrorNote(props: { error: unknown }) {
  const { t } = useTranslation();
  const e = props.error;
  if (!e) return null;
  if (e instanceof ApiError) {
    const b = e.body;
    // The server's text is English; a code with parameters (details.messageCode + params) is
    // translated, and the error code gets its own words. The English stays as a fallback.
    const d = (b.details ?? {}) as { messageCode?: string; params?: Record<string, unknown> };
    const text = d.messageCode ? t(`serverText.${d.messageCode}`, { ...(d.params ?? {}), defaultValue: b.message ?? '' }) : b.message;
    return (
      <div className="note bad" role="alert" data-code={b.code} data-message-code={d.messageCode}>
        <strong>{b.code ? t(`errorCode.${b.code}`, { defaultValue: b.code }) : `HTTP ${e.status}`}</strong> {text}
        {b.field && (
          <div className="small">
            {t('error.field')}: <code>{b.field}</code>
            {b.expected !== undefined && (
              <>
                {' '}
                · {t('error.expected')}: <code>{JSON.stringify(b.expected)}</code>
              </>
            )}
            {b.actual !== undefined && (
              <>
                {' '}
                · {t('error.actual')}: <code>{JSON.stringify(b.actual)}</code>
              </>
            )}
          </div>
        )}
      </div>
    );
  }
  return (
    <div className="note bad" role="alert">
      {(e as Error).message ?? String(e)}
    </div>
  );
}

/**
 * Renders loading / error / "not available" states of a load, or the children
 * once data is there. A 404 from a route means that part of the platform is not
 * installed on this server, which is said plainly rather than as an error.
 */
export function DataState<T>(props: { state: Loaded<T>; children: (data: T) => ReactNode; what?: string }) {
  const { t } = useTranslation();
  const { data, error, loading } = props.state;
  if (error instanceof ApiError && error.notAvailable)
    return <div className="note muted" data-testid="not-available">{t('common.notAvailable', { what: props.what ?? '' })}</div>;
  if (error && data === undefined) return <ErrorNote error={error} />;
  if (data === undefined) return <div className="note muted">{loading ? t('common.loading') : t('common.noData')}</div>;
  return <>{props.children(data)}</>;
}

export interface Column<R> {
  key: string;
  label: ReactNode;
  render?: (row: R) => ReactNode;
  num?: boolean;
}

/** A plain table that scrolls sideways on a phone. */
export function Table<R>(props: { rows: R[]; columns: Column<R>[]; empty?: ReactNode; rowKey?: (r: R, i: number) => string; max?: number; testId?: string }) {
  const { t } = useTranslation();
  const rows = props.max ? props.rows.slice(0, props.max) : props.rows;
  if (props.rows.length === 0) return <div className="note muted">{props.empty ?? t('common.none')}</div>;
  return (
    // Focusable so a keyboard can scroll a wide table sideways (axe: scrollable-region-focusable).
    <div className="table-wrap" data-testid={props.testId} tabIndex={0}>
      <table>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.key} className={c.num ? 'num' : ''}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={props.rowKey ? props.rowKey(r, i) : i}>
              {props.columns.map((c) => (
                <td key={c.key} className={c.num ? 'num' : ''}>
                  {c.render ? c.render(r) : String((r as Record<string, unknown>)[c.key] ?? '')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {props.max && props.rows.length > props.max && <div className="small muted">{t('common.more', { n: props.rows.length - props.max })}</div>}
    </div>
  );
}

/** Times are shown in the district's time zone (Beijing), whatever the device's setting. */
export const TZ = 'Asia/Shanghai';

export const fmt = {
  int: (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString()),
  dec: (n: number | null | undefined, d = 1) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(d)),
  pct: (n: number | null | undefined, d = 0) => (n === null || n === undefined || Number.isNaN(n) ? '–' : `${(n * 100).toFixed(d)}%`),
  yuan: (fen: number | null | undefined) =>
    fen === null || fen === undefined ? '–' : `${fen < 0 ? '-' : ''}¥${(Math.abs(fen) / 100).toLocaleString(undefined, { maximumFractionDigits: fen !== 0 && Math.abs(fen) < 10000 ? 2 : 0 })}`,
  time: (iso: string | null | undefined) => {
    if (!iso) return '–';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: TZ });
  },
  /** Hours and minutes in the district's time zone. */
  hm: (iso: string | null | undefined) => {
    if (!iso) return '–';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: TZ });
  },
  km: (m: number | null | undefined) => (m === null || m === undefined ? '–' : `${(m / 1000).toFixed(1)} km`),
  dur: (s: number | null | undefined) => (s === null || s === undefined ? '–' : s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}` : `${Math.round(s / 60)} min`),
};
