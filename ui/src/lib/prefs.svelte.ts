// User preferences that survive a restart: language and colour theme, kept in localStorage
// (the webview's own storage in the app data dir; nothing leaves the machine).

export type Lang = 'en' | 'nl';
export type Theme = 'light' | 'dark';

const LANG_KEY = 'klaring.lang';
const THEME_KEY = 'klaring.theme';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage can be unavailable (private mode); the choice then lasts for this session.
  }
}

function initialLang(): Lang {
  const saved = read(LANG_KEY);
  if (saved === 'en' || saved === 'nl') return saved;
  return navigator.language?.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

function systemTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function initialTheme(): Theme {
  const saved = read(THEME_KEY);
  return saved === 'light' || saved === 'dark' ? saved : systemTheme();
}

export const prefs = $state({ lang: initialLang(), theme: initialTheme() });

export function setLang(lang: Lang) {
  prefs.lang = lang;
  write(LANG_KEY, lang);
  document.documentElement.lang = lang;
}

export function setTheme(theme: Theme) {
  prefs.theme = theme;
  write(THEME_KEY, theme);
  document.documentElement.dataset.theme = theme;
}

/** Applies the stored (or system) choices to <html> before the first paint. */
export function applyPrefs() {
  document.documentElement.lang = prefs.lang;
  document.documentElement.dataset.theme = prefs.theme;
  // Follow the system while the user has not chosen a theme explicitly.
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (read(THEME_KEY) === null) {
      prefs.theme = systemTheme();
      document.documentElement.dataset.theme = prefs.theme;
    }
  });
}
