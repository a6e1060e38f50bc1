import { useEffect, useState } from 'react';
import { networkApi } from '../api/network.ts';
import { localName } from '../i18n/index.ts';

const cache = new Map<string, string>();
/** The most names asked for in one request (the server answers up to 500). */
const BATCH = 200;

/**
 * Looks up item names for the item codes a screen shows: the missing ones in one
 * request (`GET /api/items?ids=a,b,c`), cached for the session.
 */
export function useItemNames(ids: string[], lang: string): (id: string) => string {
  const [, setTick] = useState(0);
  const wanted = [...new Set(ids)].slice(0, BATCH);
  const key = wanted.join(',');
  useEffect(() => {
    const missing = wanted.filter((id) => !cache.has(`${lang}:${id}`));
    if (missing.length === 0) return;
    let cancelled = false;
    void networkApi
      .items({ ids: missing.join(','), limit: missing.length })
      .then((r) => {
        const found = new Map(r.items.map((it) => [it.id, localName(it)]));
        for (const id of missing) cache.set(`${lang}:${id}`, found.get(id) ?? id);
      })
      .catch(() => {
        /* names are a nicety: show the codes */
      })
      .then(() => {
        if (!cancelled) setTick((t) => t + 1);
      });
    return () => {
      cancelled = true;
    };
  }, [key, lang]);
  return (id) => cache.get(`${lang}:${id}`) ?? id;
}
