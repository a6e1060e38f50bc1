import { useTranslation } from 'react-i18next';
import { Card } from '../components/ui.tsx';

export function TripsPage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <Card title={t('nav.trips')}>
        <div className="note muted" data-testid="not-available">{t('common.notAvailable', { what: t('nav.trips') })}</div>
      </Card>
    </div>
  );
}
