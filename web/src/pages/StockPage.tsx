import { useTranslation } from 'react-i18next';
import { Card } from '../components/ui.tsx';

export function StockPage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <Card title={t('nav.stock')}>
        <div className="note muted" data-testid="not-available">{t('common.notAvailable', { what: t('nav.stock') })}</div>
      </Card>
    </div>
  );
}
