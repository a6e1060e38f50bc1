import { useEffect, useState } from 'react';

/**
 * A very small router: the screens live under /app/<screen> (the server answers
 * every /app/* path with index.html), so a link can be shared or bookmarked.
 */
export const SCREENS = ['map', 'board', 'incidents', 'stock', 'orders', 'sourcing', 'trips', 'staff', 'counts', 'reconciliation'] as const;
export type Screen = (typeof SCREENS)[number];

function parse(pathname: string): { screen: Screen; rest: string[] } {
  const parts = pathname.split('/').filter(Boolean);
  const screen = (parts[0] === 'app' ? parts[1] : undefined) as Screen | undefined;
  return { screen: screen && SCREENS.includes(screen) ? screen : 'map', rest: parts.slice(2) };
}

export function navigate(path: string): void {
  if (location.pathname + location.search === path) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): { screen: Screen; rest: string[]; search: URLSearchParams } {
  const [loc, setLoc] = useState(() => location.pathname + location.search);
  useEffect(() => {
    if (!location.pathname.startsWith('/app/')) history.replaceState(null, '', '/app/map' + location.search);
    const on = () => setLoc(location.pathname + location.search);
    on();
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  const url = new URL(loc, location.origin);
  return { ...parse(url.pathname), search: url.searchParams };
}
