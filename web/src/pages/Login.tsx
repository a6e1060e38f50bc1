import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { signIn } from '../api/client.ts';
import { ErrorNote } from '../components/ui.tsx';
import { LanguageSwitch } from '../App.tsx';

/** Sign-in: username and password against POST /api/auth/login. */
export function LoginPage(props: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username.trim(), password);
      props.onSignedIn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <div className="login-head">
          <span className="logo big">保</span>
          <div>
            <h1>{t('app.title')}</h1>
            <div className="muted small">{t('app.subtitle')}</div>
          </div>
          <LanguageSwitch />
        </div>
        <label>
          {t('auth.username')}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          {t('auth.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy} data-testid="sign-in">
          {busy ? t('common.working') : t('auth.signIn')}
        </button>
      </form>
    </div>
  );
}
