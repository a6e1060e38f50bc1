import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { session, setUnauthorizedHandler, signOut } from './api/client.ts';
import { currentLanguage } from './i18n/index.ts';
import { navigate, SCREENS, useRoute } from './router.ts';
import { NavIcon } from './components/icons.tsx';
import { LoginPage } from './pages/Login.tsx';

// One chunk per screen: a phone on a slow network downloads the map screen (Leaflet)
// without the charts library and the other screens, which load when first opened.
const MapPage = lazy(() => import('./pages/MapPage.tsx').then((m) => ({ default: m.MapPage })));
const StockPage = lazy(() => import('./pages/StockPage.tsx').then((m) => ({ default: m.StockPage })));
const OrdersPage = lazy(() => import('./pages/OrdersPage.tsx').then((m) => ({ default: m.OrdersPage })));
const SourcingPage = lazy(() => import('./pages/SourcingPage.tsx').then((m) => ({ default: m.SourcingPage })));
const TripsPage = lazy(() => import('./pages/TripsPage.tsx').then((m) => ({ default: m.TripsPage })));
const StaffPage = lazy(() => import('./pages/StaffPage.tsx').then((m) => ({ default: m.StaffPage })));
const CountsPage = lazy(() => import('./pages/CountsPage.tsx').then((m) => ({ default: m.CountsPage })));
const ReconciliationPage = lazy(() => import('./pages/ReconciliationPage.tsx').then((m) => ({ default: m.ReconciliationPage })));
const IncidentsPage = lazy(() => import('./pages/IncidentsPage.tsx').then((m) => ({ default: m.IncidentsPage })));
const BoardPage = lazy(() => import('./pages/BoardPage.tsx').then((m) => ({ default: m.BoardPage })));

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
      <main className={`content content-${route.screen}`}>
        <Suspense
          fallback={
            <div className="note muted screen-loading" role="status" data-testid="screen-loading">
              {t('common.loading')}
            </div>
          }
        >
          {page}
        </Suspense>
      </main>
    </div>
  );
}
