import { useTranslation } from 'react-i18next';
import { Card } from '../components/ui.tsx';

export function OrdersPage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <Card title={t('nav.orders')}>
        <div className="note muted" data-testid="not-available">{t('common.notAvailable', { what: t('nav.orders') })}</div>
      </Card>
    </div>
  );
}
