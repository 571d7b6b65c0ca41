'use client';

import { useEffect, useState } from 'react';

/**
 * Light, dark, or the system's setting (the default). The choice is kept in localStorage and applied as
 * `data-theme` on <html> by THEME_SCRIPT before the first paint, so a dark page never flashes light.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'tandem-theme';

export const THEME_SCRIPT = `try{var t=localStorage.getItem('${STORAGE_KEY}');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;

function apply(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>('system');
  useEffect(() => {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'light' || stored === 'dark') setChoice(stored);
  }, []);
  const change = () => {
    const next = NEXT[choice];
    setChoice(next);
    apply(next);
    if (next === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, next);
  };
  return (
    <button type="button" className="theme-toggle" onClick={change} data-testid="theme-toggle" data-theme={choice}>
      <span aria-hidden="true">{choice === 'dark' ? '☾' : choice === 'light' ? '☀' : '◐'}</span>
      <span className="theme-label">{LABEL[choice]}</span>
    </button>
  );
}
