import i18next, { type TFunction } from 'i18next';
import { useEffect, useState } from 'preact/hooks';
import { resources, type Namespace } from './resources.ts';

export const LANGUAGES = [
  { code: 'de', label: 'Deutsch' },
  { code: 'en', label: 'English' },
  { code: 'ru', label: 'Русский' },
  { code: 'uk', label: 'Українська' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'counsel.language';

function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  const wanted = saved ?? navigator.language.slice(0, 2);
  return LANGUAGES.some((language) => language.code === wanted) ? (wanted as Language) : 'de';
}

/** Every string of the app comes from the catalogues in `web/src/locales/<language>/<namespace>.json`. */
export async function initI18n(): Promise<void> {
  await i18next.init({
    resources,
    lng: initialLanguage(),
    fallbackLng: 'en',
    ns: ['common', 'auth', 'seeker', 'chat', 'counsellor', 'admin', 'call'],
    defaultNS: 'common',
    interpolation: { escapeValue: false }, // Preact escapes text itself.
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
  i18next.on('languageChanged', (language) => {
    document.documentElement.lang = language;
  });
}

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  void i18next.changeLanguage(language);
}

export function currentLanguage(): Language {
  return i18next.language as Language;
}

/** Translations of one namespace; the component re-renders when the language changes. */
export function useT(namespace: Namespace = 'common'): TFunction {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((version) => version + 1);
    i18next.on('languageChanged', bump);
    return () => i18next.off('languageChanged', bump);
  }, []);
  return i18next.getFixedT(null, namespace);
}

/** For code outside components (e.g. formatting an error). */
export function t(key: string, options?: Record<string, unknown>): string {
  return i18next.t(key, options);
}
