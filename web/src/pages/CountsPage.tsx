import { useTranslation } from 'react-i18next';
import { Card } from '../components/ui.tsx';

export function CountsPage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <Card title={t('nav.counts')}>
        <div className="note muted" data-testid="not-available">{t('common.notAvailable', { what: t('nav.counts') })}</div>
      </Card>
    </div>
  );
}
