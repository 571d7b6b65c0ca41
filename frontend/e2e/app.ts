import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { startTestApp, ADMIN, type TestApp } from '../../backend/test/support/test-app';
import { DESKTOP, launchBrowser, logIn, openPage, type WatchedPage } from './browser';

/** What a browser spec runs against: the real backend serving the built app, Debian's chromium, an admin signed in. */
export interface BrowserApp {
  t: TestApp;
  browser: Browser;
  /** A 1,440 × 900 context signed in as the seeded admin. */
  admin: WatchedPage;
}

/**
 * Registers the suite's set-up (a fresh database and backend serving `out/` with `env` set, the browser, the
 * admin's page) and tear-down (which restores the environment). The answer is filled in by the time the suite's own `beforeAll` hooks and tests run.
 */
export function useBrowserApp(options: { env?: Record<string, string> } = {}): BrowserApp {
  const app = {} as BrowserApp;
  const saved = Object.fromEntries(Object.keys(options.env ?? {}).map((key) => [key, process.env[key]]));
  beforeAll(async () => {
    Object.assign(process.env, { TANDEM_FRONTEND_DIR: resolve('out') }, options.env);
    app.t = await startTestApp();
    app.browser = await launchBrowser();
    app.admin = await openPage(app.browser, { viewport: DESKTOP });
    await logIn(app.admin.page, app.t.url, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.t?.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  return app;
}
