import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A two-step action: the button opens a box that states the consequences, and only
 * its confirm button acts. Used for every write that is hard to undo (apply, lift,
 * discard, close a node, dispatch).
 */
export function ConfirmAction(props: {
  label: ReactNode;
  title: ReactNode;
  /** What will happen, in full sentences. */
  consequences: ReactNode;
  confirmLabel?: ReactNode;
  tone?: 'primary' | 'danger' | '';
  disabled?: boolean;
  busy?: boolean;
  testId: string;
  onConfirm: () => void | Promise<void>;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button type="button" className={props.tone ?? ''} disabled={props.disabled || props.busy} data-testid={props.testId} onClick={() => setOpen(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <div className="confirm-box" role="alertdialog" aria-labelledby={`${props.testId}-title`} data-testid={`${props.testId}-confirm-box`}>
      <strong id={`${props.testId}-title`}>{props.title}</strong>
      <div className="small">{props.consequences}</div>
      <div className="row">
        <button
          type="button"
          className={props.tone === 'danger' ? 'danger' : 'primary'}
          disabled={props.busy}
          data-testid={`${props.testId}-confirm`}
          onClick={() => {
            void Promise.resolve(props.onConfirm()).finally(() => setOpen(false));
          }}
        >
          {props.busy ? t('common.working') : (props.confirmLabel ?? t('common.confirm'))}
        </button>
        <button type="button" className="ghost" disabled={props.busy} onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
