import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { session, setUnauthorizedHandler, signOut } from './api/client.ts';
import { currentLanguage } from './i18n/index.ts';
import { navigate, SCREENS, useRoute } from './router.ts';
import { NavIcon } from './components/icons.tsx';
import { LoginPage } from './pages/Login.tsx';
import { MapPage } from './pages/MapPage.tsx';
import { StockPage } from './pages/StockPage.tsx';
import { OrdersPage } from './pages/OrdersPage.tsx';
import { SourcingPage } from './pages/SourcingPage.tsx';
import { TripsPage } from './pages/TripsPage.tsx';
import { StaffPage } from './pages/StaffPage.tsx';
import { CountsPage } from './pages/CountsPage.tsx';
import { ReconciliationPage } from './pages/ReconciliationPage.tsx';
import { IncidentsPage } from './pages/IncidentsPage.tsx';
import { BoardPage } from './pages/BoardPage.tsx';

/** The language switch: 中文 ⇄ English. */
export function LanguageSwitch() {
  const { i18n } = useTranslation();
  const lang = currentLanguage();
  return (
    <button
      type="button"
      className="lang-switch"
      data-testid="lang-switch"
      onClick={() => void i18n.changeLanguage(lang === 'zh-CN' ? 'en' : 'zh-CN')}
      title={lang === 'zh-CN' ? 'Switch to English' : '切换到中文'}
    >
      {lang === 'zh-CN' ? 'EN' : '中文'}
    </button>
  );
}

export function App() {
  const { t } = useTranslation();
  const [signedIn, setSignedIn] = useState(session.signedIn());
  const route = useRoute();

  useEffect(() => {
    setUnauthorizedHandler(() => {
      session.clear();
      setSignedIn(false);
    });
  }, []);

  useEffect(() => {
    document.title = `${t('app.title')} · Baogong`;
  }, [t]);

  if (!signedIn) return <LoginPage onSignedIn={() => setSignedIn(true)} />;

  const page = (() => {
    switch (route.screen) {
      case 'board':
        return <BoardPage />;
      case 'incidents':
        return <IncidentsPage id={route.rest[0]} />;
      case 'stock':
        return <StockPage />;
      case 'orders':
        return <OrdersPage />;
      case 'sourcing':
        return <SourcingPage />;
      case 'trips':
        return <TripsPage />;
      case 'staff':
        return <StaffPage />;
      case 'counts':
        return <CountsPage />;
      case 'reconciliation':
        return <ReconciliationPage />;
      default:
        return <MapPage />;
    }
  })();

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <span className="logo">保</span>
          <span className="brand-text">{t('app.title')}</span>
        </div>
        <div className="topbar-right">
          <span className="user" data-testid="user">
            {session.user()}
          </span>
          <LanguageSwitch />
          <button
            type="button"
            className="ghost"
            data-testid="sign-out"
            onClick={() => {
              void signOut().then(() => setSignedIn(false));
            }}
          >
            {t('auth.signOut')}
          </button>
        </div>
      </header>
      <nav className="nav" aria-label={t('nav.label')}>
        {SCREENS.map((s) => (
          <a
            key={s}
            href={`/app/${s}`}
            className={route.screen === s ? 'active' : ''}
            data-testid={`nav-${s}`}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/app/${s}`);
            }}
          >
            <span className="nav-icon">
              <NavIcon screen={s} />
            </span>
            <span className="nav-text">{t(`nav.${s}`)}</span>
          </a>
        ))}
      </nav>
      <main className={`content content-${route.screen}`}>{page}</main>
    </div>
  );
}
