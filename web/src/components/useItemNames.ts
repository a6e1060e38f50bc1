import { useEffect, useState } from 'react';
import { networkApi } from '../api/network.ts';
import { localName } from '../i18n/index.ts';

const cache = new Map<string, string>();

/** Looks up item names for a short list of item codes (cached for the session). */
export function useItemNames(ids: string[], lang: string): (id: string) => string {
  const [, setTick] = useState(0);
  const key = ids.slice(0, 60).join(',');
  useEffect(() => {
    const missing = ids.slice(0, 60).filter((id) => !cache.has(`${lang}:${id}`));
    if (missing.length === 0) return;
    let cancelled = false;
    void Promise.all(
      missing.map((id) =>
        networkApi
          .items({ q: id, limit: 5 })
          .then((r) => {
            const it = r.items.find((x) => x.id === id);
            cache.set(`${lang}:${id}`, it ? localName(it) : id);
          })
          .catch(() => cache.set(`${lang}:${id}`, id)),
      ),
    ).then(() => {
      if (!cancelled) setTick((t) => t + 1);
    });
    return () => {
      cancelled = true;
    };
  }, [key, lang]);
  return (id) => cache.get(`${lang}:${id}`) ?? id;
}
