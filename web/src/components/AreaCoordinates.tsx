import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkCorners } from '../forms.ts';

/** The district's centre, to refuse corners typed far away (a swapped lat/lng, a typo). */
const DISTRICT_CENTRE: [number, number] = [39.795, 116.5];

/**
 * A control area typed as coordinates instead of drawn: one "lat, lng" per line.
 * Checked before use; the message names the line that is wrong.
 */
export function AreaCoordinates(props: { onUse: (corners: Array<[number, number]>) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <details className="area-coords" data-testid="area-coords">
      <summary>{t('area.coordsTitle')}</summary>
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const r = checkCorners(text, DISTRICT_CENTRE);
          if (!r.ok) {
            setError(t(r.key, r.params));
            return;
          }
          setError(null);
          props.onUse(r.value);
        }}
      >
        <label htmlFor={`${id}-corners`}>{t('area.coordsLabel')}</label>
        <textarea
          id={`${id}-corners`}
          rows={4}
          value={text}
          placeholder={'39.7935, 116.5030\n39.7935, 116.5110\n39.7865, 116.5110\n39.7865, 116.5030'}
          aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
          aria-invalid={error ? true : undefined}
          data-testid="area-coords-input"
          onChange={(e) => setText(e.target.value)}
        />
        <div id={`${id}-help`} className="small muted">
          {t('area.coordsHelp')}
        </div>
        {error && (
          <div id={`${id}-error`} className="note bad small" role="alert" data-testid="area-coords-error">
            {error}
          </div>
        )}
        <button type="submit" data-testid="area-coords-use">
          {t('area.coordsUse')}
        </button>
      </form>
    </details>
  );
}
