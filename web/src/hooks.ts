import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api/client.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data with `load` when the component mounts and whenever `deps` change;
 * `reload()` fetches again (after a write). A reload keeps the last data so screens
 * do not flash; a change of `deps` (another day, another node) drops it at once, so
 * no figure of the old choice stays on screen while the new one loads.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | Error>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const depsKey = useRef<unknown[] | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    const prev = depsKey.current;
    if (prev !== null && (prev.length !== deps.length || prev.some((d, i) => !Object.is(d, deps[i])))) {
      setData(undefined);
      setError(undefined);
    }
    depsKey.current = deps;
    setLoading(true);
    loadRef
      .current(ac.signal)
      .then((d) => {
        if (ac.signal.aborted) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (ac.signal.aborted) return;
        setError(e instanceof Error ? e : new Error(String(e)));
      })
      .finally(() => {
        if (!ac.signal.aborted) setLoading(false);
      });
    return () => ac.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** Tracks a media query (e.g. the phone layout). */
export function useMedia(query: string): boolean {
  const [match, setMatch] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setMatch(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, [query]);
  return match;
}

/**
 * Searches as the user types: waits `delayMs` after the last keystroke, then calls
 * `search` with the trimmed query and an abort signal; a newer keystroke aborts the
 * request in flight, so an old answer never overwrites a newer one. An empty query
 * gives `null` (nothing asked); a failed or aborted request keeps the last results.
 */
export function useDebouncedSearch<T>(query: string, search: (q: string, signal: AbortSignal) => Promise<T>, delayMs = 200): [T | null, (v: T | null) => void] {
  const [found, setFound] = useState<T | null>(null);
  const searchRef = useRef(search);
  searchRef.current = search;
  useEffect(() => {
    const q = query.trim();
    if (q.length === 0) {
      setFound(null);
      return;
    }
    const ac = new AbortController();
    const timer = setTimeout(() => {
      searchRef
        .current(q, ac.signal)
        .then((r) => {
          if (!ac.signal.aborted) setFound(r);
        })
        .catch(() => {
          /* aborted or offline: keep the last results */
        });
    }, delayMs);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [query, delayMs]);
  return [found, setFound];
}
