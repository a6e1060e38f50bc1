import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi, type ItemList } from '../api/network.ts';
import { localName } from '../i18n/index.ts';

type Item = ItemList['items'][number];

/** Search the catalogue by name or code and pick an item. */
export function ItemPicker(props: { onPick: (item: Item) => void; testId?: string }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Item[]>([]);
  useEffect(() => {
    if (q.trim().length < 1) {
      setItems([]);
      return;
    }
    const ac = new AbortController();
    const timer = setTimeout(() => {
      networkApi
        .items({ q: q.trim(), limit: 8 }, ac.signal)
        .then((r) => setItems(r.items))
        .catch(() => {});
    }, 200);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [q]);
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
                  setItems([]);
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
