import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { bearer, startTestApp, type TestApp } from '../../backend/test/support/test-app';
import { launchBrowser, logIn, openPage, screenshot, type WatchedPage } from './browser';

/** The code of the next 30 s step (accepted by the ±1 step window, never used before in this test). */
const code = (secret: string, offsetMs = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetMs });

describe('the account page and the two-factor sign-in', () => {
  let t: TestApp;
  let browser: Browser;
  let a: WatchedPage;
  let user: { token: string; id: string; email: string };

  beforeAll(async () => {
    process.env.TANDEM_FRONTEND_DIR = resolve('out');
    t = await startTestApp();
    browser = await launchBrowser();
    user = await t.user('member', 'Mia Member');
    a = await openPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('enrols with the QR code and a confirmed code, shows recovery codes once, then asks for a code at login', async () => {
    const { page } = a;
    await logIn(page, t.url, user.email, 'password-123');
    await page.goto(`${t.url}/account`);
    await page.getByText('Two-factor sign-in is off.').waitFor();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const qr = page.getByAltText('QR code for your authenticator app');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const secret = (await page.getByTestId('mfa-secret').textContent()) ?? '';
    await page.fill('[data-testid=mfa-setup] input[name=code]', code(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.locator('[data-testid=recovery-codes] code');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await screenshot(page, 'account-recovery-codes');
    // Shown once: a reload shows the state, not the codes.
    await page.reload();
    await page.getByText('Two-factor sign-in is on.').waitFor();
    expect(await page.locator('[data-testid=recovery-codes]').count()).toBe(0);

    const fresh = await openPage(browser);
    await fresh.page.goto(`${t.url}/login`);
    await fresh.page.fill('input[name=email]', user.email);
    await fresh.page.fill('input[name=password]', 'password-123');
    await fresh.page.click('button[type=submit]');
    await fresh.page.getByTestId('mfa-form').waitFor();
    await fresh.page.fill('input[name=code]', '000000');
    await fresh.page.click('button[type=submit]');
    await fresh.page.getByRole('alert').waitFor();
    await fresh.page.fill('input[name=code]', code(secret, 30_000));
    await Promise.all([fresh.page.waitForURL(`${t.url}/`), fresh.page.click('button[type=submit]')]);
    await fresh.page.waitForSelector('[data-testid=connection][data-state=live]');
    expect([...a.problems, ...fresh.problems]).toEqual([]);
    await fresh.context.close();
  });

  it('lists the sessions, signs out the others, and changes the password', async () => {
    const { page } = a;
    const other = await t.http
      .post('/api/auth/login')
      .send({ email: 'admin@test.local', password: 'admin-password-1' });
    expect(other.status).toBe(200);
    // A second session of this user, made over the API (it needs the second step too).
    await page.goto(`${t.url}/account`);
    const sessions = page.getByTestId('session');
    await sessions.first().waitFor();
    const before = await sessions.count();
    const apiSession = await t.http.get('/api/auth/sessions').set(bearer(user.token)).expect(200);
    expect(apiSession.body.length).toBe(before);
    expect(before).toBeGreaterThan(1);
    await page.getByRole('button', { name: 'Sign out the others' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=session]').length === 1);
    await t.http.get('/api/auth/me').set(bearer(user.token)).expect(401);

    await page.fill('input[name=current]', 'password-123');
    await page.fill('input[name=next]', 'a-much-better-secret');
    await page.fill('input[name=confirm]', 'a-much-better-secret');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    await t.http.post('/api/auth/login').send({ email: user.email, password: 'password-123' }).expect(401);
    const relogin = await t.http.post('/api/auth/login').send({ email: user.email, password: 'a-much-better-secret' });
    expect(relogin.body).toMatchObject({ mfaRequired: true });
    expect(a.problems).toEqual([]);
  });
});
