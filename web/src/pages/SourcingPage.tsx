import { useTranslation } from 'react-i18next';
import { Card } from '../components/ui.tsx';

export function SourcingPage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <Card title={t('nav.sourcing')}>
        <div className="note muted" data-testid="not-available">{t('common.notAvailable', { what: t('nav.sourcing') })}</div>
      </Card>
    </div>
  );
}
