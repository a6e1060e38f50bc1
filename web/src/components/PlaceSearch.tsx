import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { networkApi, type Place } from '../api/network.ts';
import { localName } from '../i18n/index.ts';
import { useDebouncedSearch } from '../hooks.ts';

/**
 * Finds an address by name among the network's known places (its nodes and the points
 * of interest shipped with the demo, `GET /api/places`: offline, no map service).
 * Results are buttons, so a keyboard picks one with Tab and Enter.
 */
export function PlaceSearch(props: { onPick: (p: Place) => void; testId?: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<Place | null>(null);
  const [result, setFound] = useDebouncedSearch(q, (query, signal) => networkApi.places(query, signal));
  const found = result?.places ?? null;
  return (
    <div className="place-search stack" data-testid={props.testId ?? 'place-search'}>
      <label htmlFor={`${id}-q`}>{t('places.search')}</label>
      <input id={`${id}-q`} type="search" value={q} placeholder={t('places.placeholder')} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
      <div aria-live="polite">
        {found && found.length === 0 && <div className="small muted">{t('places.none', { q })}</div>}
        {found && found.length > 0 && (
          <ul className="place-results">
            {found.map((p) => (
              <li key={`${p.source}:${p.id}`}>
                <button
                  type="button"
                  className="ghost place-result"
                  onClick={() => {
                    setPicked(p);
                    setFound(null);
                    setQ('');
                    props.onPick(p);
                  }}
                >
                  <span>{localName(p)}</span>
                  <span className="small muted">
                    {' '}
                    {p.address}
                    {p.confidence === 'estimate' ? ` · ${t('places.estimate')}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {picked && !found && <div className="small muted">{t('places.picked', { name: localName(picked) })}</div>}
      </div>
    </div>
  );
}
