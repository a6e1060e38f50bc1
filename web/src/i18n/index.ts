import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

/**
 * Two languages: Simplified Chinese for the people running the response and
 * English. The first visit follows the browser (navigator.languages); the switch in
 * the top bar stores the choice in localStorage.
 */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: false,
    load: 'currentOnly',
    fallbackLng: { zh: ['zh-CN'], 'zh-TW': ['zh-CN'], 'zh-HK': ['zh-CN'], default: ['en'] },
    detection: { order: ['localStorage', 'navigator'], lookupLocalStorage: 'baogong.lang', caches: ['localStorage'] },
    interpolation: { escapeValue: false },
    returnNull: false,
    // Both languages are in the bundle: initialise at once, so the first render has its texts
    // instead of waiting a task (and a suspended render) for them.
    initAsync: false,
  });

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

/** The language in use, normalised to one of ours. */
export function currentLanguage(): Language {
  const l = i18n.resolvedLanguage ?? i18n.language ?? 'en';
  return l.startsWith('zh') ? 'zh-CN' : 'en';
}

/** Picks the Chinese or English name of a record that has both. */
export function localName(r: { nameZh?: string; nameEn?: string; id?: string }): string {
  const zh = currentLanguage() === 'zh-CN';
  return (zh ? r.nameZh || r.nameEn : r.nameEn || r.nameZh) ?? r.id ?? '';
}

export default i18n;
