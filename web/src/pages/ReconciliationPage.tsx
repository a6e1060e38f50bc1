import { useTranslation } from 'react-i18next';
import { Card } from '../components/ui.tsx';

export function ReconciliationPage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <Card title={t('nav.reconciliation')}>
        <div className="note muted" data-testid="not-available">{t('common.notAvailable', { what: t('nav.reconciliation') })}</div>
      </Card>
    </div>
  );
}
