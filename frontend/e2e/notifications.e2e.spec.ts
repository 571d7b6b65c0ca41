import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Task } from '@tandem/shared';
import { waitFor } from '../../backend/test/support/nodes';
import { bearer, startTestApp, type TestApp } from '../../backend/test/support/test-app';
import { launchBrowser, logIn, openPage, screenshot, type WatchedPage, LIVE_TIMEOUT } from './browser';

const unread = (page: Page, count: number) =>
  page.waitForSelector(`[data-testid=notification-bell][data-unread="${count}"]`, { timeout: LIVE_TIMEOUT });

describe('notifications in the browser: mentions, the bell, the email preference, assigned to me', () => {
  let t: TestApp;
  let browser: Browser;
  let author: WatchedPage;
  let mentioned: WatchedPage;
  let ada: { id: string; token: string };
  let bob: { id: string; token: string };
  let workflowId: string;
  let task: Task;

  const person = async (email: string, name: string) => {
    const created = await t.http
      .post('/api/users')
      .set(bearer(t.adminToken))
      .send({ email, name, password: 'password-123', role: 'member' })
      .expect(201);
    const login = await t.http.post('/api/auth/login').send({ email, password: 'password-123' }).expect(200);
    return { id: (created.body as { id: string }).id, token: (login.body as { token: string }).token };
  };

  beforeAll(async () => {
    process.env.TANDEM_FRONTEND_DIR = resolve('out');
    t = await startTestApp();
    browser = await launchBrowser();
    ada = await person('ada@example.com', 'Ada Lovelace');
    bob = await person('bob@example.com', 'Bob Builder');
    workflowId = (await t.workflow('Launch')).id;
    task = (
      await t.http
        .post(`/api/workflows/${workflowId}/tasks`)
        .set(bearer(bob.token))
        .send({ title: 'Draft the launch post' })
        .expect(201)
    ).body as Task;
    // Two browser contexts: Bob writes, Ada watches her bell.
    author = await openPage(browser);
    mentioned = await openPage(browser);
    await logIn(author.page, t.url, 'bob@example.com', 'password-123');
    await logIn(mentioned.page, t.url, 'ada@example.com', 'password-123');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('completes @Ad to @ada in the comment editor, and Ada’s bell counts up live; she marks it read', async () => {
    await unread(mentioned.page, 0);
    await author.page.goto(`${t.url}/workflows/${workflowId}?task=${task.id}`);
    const editor = author.page.locator('textarea[aria-label=Comment]');
    await editor.waitFor();
    await editor.click();
    await editor.pressSequentially('Ready for review @Ad');
    const option = author.page.locator('[data-testid=mention-option]', { hasText: 'Ada Lovelace' });
    await option.waitFor();
    await option.click();
    expect(await editor.inputValue()).toBe('Ready for review @ada ');
    await editor.pressSequentially('please check the numbers');
    const sent = Date.now();
    await author.page.click('.comment-form button[type=submit]');

    await unread(mentioned.page, 1);
    console.log(`mention reached the other browser's bell in ${Date.now() - sent} ms`);
    expect(await mentioned.page.textContent('[data-testid=notification-count]')).toBe('1');
    await screenshot(mentioned.page, 'notification-bell');

    await mentioned.page.click('[data-testid=notification-bell]');
    const item = mentioned.page.locator('[data-testid=notification]').first();
    await item.waitFor();
    expect(await item.getAttribute('data-type')).toBe('mention');
    expect(await item.textContent()).toContain('Bob Builder mentioned you on “Draft the launch post”');
    expect(await item.textContent()).toContain('Ready for review @ada please check the numbers');
    await screenshot(mentioned.page, 'notification-panel');
    await item.locator('[data-testid=notification-read]').click();
    await unread(mentioned.page, 0);
    expect(await item.getAttribute('data-read')).toBe('true');

    // Two more (over REST), then "Mark all read".
    for (const body of ['@ada one', '@ada two']) {
      await t.http.post(`/api/tasks/${task.id}/comments`).set(bearer(bob.token)).send({ body }).expect(201);
    }
    await unread(mentioned.page, 2);
    await mentioned.page.click('[data-testid=notification-read-all]');
    await unread(mentioned.page, 0);
    expect(author.problems).toEqual([]);
    expect(mentioned.problems).toEqual([]);
    // Bob mentioned nobody who is Bob: his bell stayed at zero.
    await unread(author.page, 0);
  });

  it('turns email off from the bell’s panel', async () => {
    const toggle = mentioned.page.locator('[data-testid=notification-email]');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await waitFor('the preference to be saved', async () => {
      const response = await t.http.get('/api/notifications/preferences').set(bearer(ada.token));
      return (response.body as { email: boolean }).email === false;
    });
  });

  it('filters the approval queue to what is assigned to me', async () => {
    const agent = await t.agent([workflowId]);
    const post = (action: string, reviewers?: object) =>
      t.http
        .post('/api/suggestions')
        .set(bearer(agent.key))
        .set('Idempotency-Key', action)
        .send({ workflowId, kind: 'custom', action, confidence: 0.5, ...(reviewers ? { reviewers } : {}) })
        .expect(201);
    await post('For Ada to review', { users: [ada.id] });
    await post('For anyone');
    await mentioned.page.goto(`${t.url}/approvals?assignedTo=me`);
    await mentioned.page.waitForSelector('[data-testid=queue-item]');
    const titles = async () => mentioned.page.locator('[data-testid=queue-item] .long').allTextContents();
    expect(await titles()).toEqual(['For Ada to review']);
    await mentioned.page.uncheck('[data-testid=assigned-to-me]');
    await waitFor('both suggestions', async () => (await titles()).length === 2);
    expect(await titles()).toEqual(['For Ada to review', 'For anyone']);
    expect(mentioned.problems).toEqual([]);
  });
});
