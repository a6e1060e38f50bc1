import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { inventoryApi, type CountSheet } from '../api/inventory.ts';
import { networkApi } from '../api/network.ts';
import { Card, DataState, ErrorNote, Table, fmt } from '../components/ui.tsx';
import { NodeSelect, stockNodes } from '../components/NodeSelect.tsx';
import { ItemPicker } from '../components/ItemPicker.tsx';
import { checkWhole } from '../forms.ts';
import { useItemNames } from '../components/useItemNames.ts';
import { useLoad } from '../hooks.ts';
import { localName } from '../i18n/index.ts';

/**
 * Stock counts (盘点), made for a phone: open a count for a node (a category or a
 * few items), enter what is on the shelf line by line (blind: the book quantity is
 * not shown), recount the lines with a large difference, then see the report and
 * post the differences.
 */
export function CountsPage() {
  const { t } = useTranslation();
  const nodes = useLoad((s) => networkApi.nodes(s), []);
  const list = stockNodes(nodes.data?.nodes ?? []);
  const [nodeId, setNodeId] = useState('');
  const node = nodeId || list[0]?.id || '';
  const counts = useLoad((s) => (node ? inventoryApi.counts({ nodeId: node }, s) : Promise.resolve({ counts: [] })), [node]);
  const [selected, setSelected] = useState<string | null>(null);

  return (
    <div className="page">
      <Card title={t('counts.title')} actions={<NodeSelect nodes={list} value={node} onChange={(id) => { setNodeId(id); setSelected(null); }} testId="counts-node" />} testId="counts-card">
        <NewCount nodeId={node} onOpened={(id) => { counts.reload(); setSelected(id); }} />
        <DataState state={counts} what={t('nav.counts')}>
          {(d) => (
            <ul className="count-index">
              {d.counts.map((c) => (
                <li key={c.id}>
                  <button type="button" className={selected === c.id ? 'active' : ''} onClick={() => setSelected(c.id)} data-testid="count-open">
                    <span>{c.scope.category ?? t('counts.items', { n: c.scope.itemIds?.length ?? 0 })}</span>
                    <span className="muted small">{fmt.time(c.openedAt)}</span>
                    <span className={`badge ${c.status === 'open' ? 'info' : c.status === 'posted' ? 'good' : ''}`}>{t(`counts.status.${c.status}`)}</span>
                  </button>
                </li>
              ))}
              {d.counts.length === 0 && <li className="note muted">{t('counts.none')}</li>}
            </ul>
          )}
        </DataState>
      </Card>
      {selected && <CountSheetCard id={selected} onChanged={counts.reload} />}
    </div>
  );
}

function NewCount(props: { nodeId: string; onOpened: (id: string) => void }) {
  const { t } = useTranslation();
  const [category, setCategory] = useState('');
  const [items, setItems] = useState<Array<{ id: string; name: string }>>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <details className="new-count">
      <summary data-testid="new-count">{t('counts.new')}</summary>
      <div className="stack">
        <label>
          {t('counts.category')}
          <input value={category} onChange={(e) => setCategory(e.target.value)} placeholder={t('counts.categoryHint')} />
        </label>
        <div className="small muted">{t('counts.orItems')}</div>
        <ItemPicker onPick={(it) => setItems((xs) => (xs.some((x) => x.id === it.id) ? xs : [...xs, { id: it.id, name: localName(it) }]))} testId="count-item" />
        {items.length > 0 && <div className="small">{items.map((i) => i.name).join('、')}</div>}
        <ErrorNote error={error} />
        <button
          type="button"
          className="primary"
          disabled={busy || !props.nodeId || (!category.trim() && items.length === 0)}
          data-testid="open-count"
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              const c = await inventoryApi.openCount(category.trim() ? { nodeId: props.nodeId, category: category.trim() } : { nodeId: props.nodeId, itemIds: items.map((i) => i.id) });
              setItems([]);
              setCategory('');
              props.onOpened(c.id);
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          {t('counts.open')}
        </button>
      </div>
    </details>
  );
}

function CountSheetCard(props: { id: string; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const sheet = useLoad((s) => inventoryApi.sheet(props.id, s), [props.id]);
  const report = useLoad((s) => inventoryApi.report(props.id, s), [props.id]);
  const names = useItemNames((sheet.data?.lines ?? []).map((l) => l.itemId), i18n.language);
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const key = (l: { itemId: string; lotCode: string }) => `${l.itemId}\u0000${l.lotCode}`;

  const [invalid, setInvalid] = useState<string[]>([]);
  const save = async (s: CountSheet) => {
    const typed = s.lines.filter((l) => values[key(l)] !== undefined && values[key(l)] !== '');
    // A count is a whole number of at least 0: "-2" or "1.5" is refused here, never rounded.
    const checked = typed.map((l) => checkWhole(values[key(l)], `${names(l.itemId)} (${l.lotCode || '–'})`, 0));
    const problems = checked.flatMap((c) => (c.ok ? [] : [t(c.key, c.params)]));
    setInvalid(problems);
    if (problems.length > 0) return;
    const lines = typed.map((l, i) => ({ itemId: l.itemId, lotCode: l.lotCode, quantity: (checked[i] as { value: number }).value }));
    if (lines.length === 0) return;
    setBusy(true);
    setError(undefined);
    try {
      await inventoryApi.enter(s.id, lines);
      setValues({});
      setSaved(true);
      sheet.reload();
      report.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Card title={t('counts.sheet')} testId="count-sheet">
        <DataState state={sheet}>
          {(s) => (
            <div className="stack">
              {s.status === 'open' && <div className="small muted">{t('counts.blindNote')}</div>}
              <div className="count-list">
                {s.lines.map((l) => (
                  <div key={key(l)} className={`count-row ${l.status}`} data-testid="count-line">
                    <div>
                      <div className="count-name">{names(l.itemId)}</div>
                      <div className="small muted">
                        {l.itemId} · {t('counts.lot')} {l.lotCode || '–'} · {t(`counts.line.${l.status}`)}
                        {l.countedQuantity !== null && ` · ${t('counts.counted')} ${l.countedQuantity}`}
                      </div>
                    </div>
                    {s.status === 'open' && l.status !== 'counted' ? (
                      <input
                        type="number"
                        inputMode="numeric"
                        min={0}
                        value={values[key(l)] ?? ''}
                        placeholder={l.status === 'recount_required' ? t('counts.recount') : '0'}
                        aria-label={`${names(l.itemId)} ${t('common.quantity')}`}
                        onChange={(e) => {
                          setSaved(false);
                          setValues((v) => ({ ...v, [key(l)]: e.target.value }));
                        }}
                      />
                    ) : (
                      <div className="num">{l.countedQuantity ?? '–'}</div>
                    )}
                  </div>
                ))}
              </div>
              {invalid.length > 0 && (
                <div className="note bad small" role="alert" data-testid="count-invalid">
                  {invalid.map((m) => (
                    <div key={m}>{m}</div>
                  ))}
                </div>
              )}
              <ErrorNote error={error} />
              {saved && <div className="note good" data-testid="count-saved">{t('counts.saved')}</div>}
              {s.status === 'open' && (
                <button type="button" className="primary" disabled={busy || Object.values(values).every((v) => v === '')} onClick={() => void save(s)} data-testid="save-count">
                  {busy ? t('common.working') : t('counts.save')}
                </button>
              )}
            </div>
          )}
        </DataState>
      </Card>
      {sheet.data && (sheet.data.status !== 'open' || sheet.data.lines.every((l) => l.status === 'counted')) && (
      <Card title={t('counts.report')} testId="count-report">
        <DataState state={report}>
          {(r) => (
            <div className="stack">
              <Table
                rows={r.lines}
                columns={[
                  { key: 'item', label: t('common.item'), render: (l) => names(l.itemId) },
                  { key: 'book', label: t('counts.book'), num: true, render: (l) => fmt.int(l.bookQuantity) },
                  { key: 'counted', label: t('counts.counted'), num: true, render: (l) => fmt.int(l.countedQuantity) },
                  { key: 'diff', label: t('counts.difference'), num: true, render: (l) => <span className={l.differenceQuantity ? 'bad-text' : ''}>{fmt.int(l.differenceQuantity)}</span> },
                  { key: 'value', label: t('counts.value'), num: true, render: (l) => fmt.yuan(l.differenceValueFen) },
                ]}
              />
              {r.status === 'open' && (
                <button
                  type="button"
                  disabled={busy || r.lines.some((l) => l.status !== 'counted')}
                  data-testid="post-count"
                  onClick={async () => {
                    setBusy(true);
                    setError(undefined);
                    try {
                      await inventoryApi.post(r.id);
                      sheet.reload();
                      report.reload();
                      props.onChanged();
                    } catch (e) {
                      setError(e);
                    } finally {
                      setBusy(false);
                    }
                  }}
                >
                  {t('counts.post')}
                </button>
              )}
              {r.status === 'open' && r.lines.some((l) => l.status !== 'counted') && <div className="small muted">{t('counts.postWhenDone')}</div>}
            </div>
          )}
        </DataState>
      </Card>
      )}
    </>
  );
}
