import { useTranslation } from 'react-i18next';
import { Card } from '../components/ui.tsx';

export function StaffPage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <Card title={t('nav.staff')}>
        <div className="note muted" data-testid="not-available">{t('common.notAvailable', { what: t('nav.staff') })}</div>
      </Card>
    </div>
  );
}
