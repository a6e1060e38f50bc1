import type { Screen } from '../router.ts';

/** Line icons for the navigation, drawn inline so the app needs no icon font or emoji font. */
const PATHS: Record<Screen, string> = {
  map: 'M3 6l6-2 6 2 6-2v14l-6 2-6-2-6 2z M9 4v14 M15 6v14',
  board: 'M3 4h8v7H3z M13 4h8v4h-8z M13 10h8v10h-8z M3 13h8v7H3z',
  incidents: 'M12 3l9 16H3z M12 9v5 M12 16.5v.5',
  stock: 'M3 7l9-4 9 4-9 4z M3 7v10l9 4 9-4V7 M12 11v10',
  orders: 'M6 3h12v18l-3-2-3 2-3-2-3 2z M9 8h6 M9 12h6',
  sourcing: 'M4 8h13l-3-3 M20 16H7l3 3',
  trips: 'M2 6h11v9H2z M13 9h4l3 3v3h-7z M6 18a2 2 0 1 0 0-.1 M17 18a2 2 0 1 0 0-.1',
  staff: 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M3 20c0-3 3-5 6-5s6 2 6 5 M16 5a3 3 0 0 1 0 6 M18 15c2 .5 3 2.5 3 5',
  counts: 'M5 3h14v18H5z M8 7h8 M8 11h2 M12 11h2 M8 15h2 M12 15h2 M16 11v4',
  reconciliation: 'M12 3v18 M5 7h14 M5 7l-3 7h6z M19 7l-3 7h6z M8 21h8',
};

export function NavIcon(props: { screen: Screen }) {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={PATHS[props.screen]} />
    </svg>
  );
}
