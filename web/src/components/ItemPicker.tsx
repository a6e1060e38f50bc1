import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi, type ItemList } from '../api/network.ts';
import { localName } from '../i18n/index.ts';
import { useDebouncedSearch } from '../hooks.ts';

type Item = ItemList['items'][number];

/** Search the catalogue by name or code and pick an item. */
export function ItemPicker(props: { onPick: (item: Item) => void; testId?: string }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [result, setResult] = useDebouncedSearch(q, (query, signal) => networkApi.items({ q: query, limit: 8 }, signal));
  const items: Item[] = result?.items ?? [];
  return (
    <div className="picker">
      <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('orders.searchItem')} data-testid={props.testId} aria-label={t('orders.searchItem')} />
      {items.length > 0 && (
        <ul className="picker-list" data-testid={props.testId ? `${props.testId}-results` : undefined}>
          {items.map((it) => (
            <li key={it.id}>
              <button
                type="button"
                onClick={() => {
                  props.onPick(it);
                  setQ('');
                  setResult(null);
                }}
              >
                {localName(it)} <span className="muted small">{it.id} · {it.unit}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
