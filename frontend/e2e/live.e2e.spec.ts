import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Task, Workflow } from '@tandem/shared';
import { bearer, startTestApp, ADMIN, type TestApp } from '../../backend/test/support/test-app';
import {
  cardIn,
  dragWithMouse,
  launchBrowser,
  logIn,
  openPage,
  screenshot,
  type WatchedPage,
  LIVE_TIMEOUT,
} from './browser';

// socket.io backs off up to 5 s between attempts while the network is gone; the first one after it is back wins.
const RECONNECT_TIMEOUT = 15_000;

const connection = (page: Page, state: string) =>
  page.waitForSelector(`[data-testid=connection][data-state=${state}]`, { timeout: RECONNECT_TIMEOUT });

describe('the board when the connection drops, and over a soft WIP limit', () => {
  let t: TestApp;
  let browser: Browser;
  let a: WatchedPage;
  let member: { token: string; id: string; email: string };
  let workflowId: string;

  const createTask = async (title: string, token = t.adminToken): Promise<Task> =>
    (await t.http.post(`/api/workflows/${workflowId}/tasks`).set(bearer(token)).send({ title }).expect(201))
      .body as Task;

  beforeAll(async () => {
    process.env.TANDEM_FRONTEND_DIR = resolve('out');
    t = await startTestApp();
    browser = await launchBrowser();
    workflowId = (await t.workflow('Reconnect board')).id;
    member = await t.user('member', 'Mo Member');
    a = await openPage(browser);
    await logIn(a.page, t.url, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows what others changed while it was offline once it reconnects, without a reload', async () => {
    const toMove = await createTask('Moved while offline');
    const toRename = await createTask('Renamed while offline');
    const toDelete = await createTask('Deleted while offline');
    await a.page.goto(`${t.url}/workflows/${workflowId}`);
    await a.page.waitForSelector(cardIn('pending', toDelete.id));
    await connection(a.page, 'live');
    // Survives only if the page is not reloaded.
    await a.page.evaluate(() => Object.assign(window, { tandemNoReload: true }));

    await a.context.setOffline(true); // closes the page's socket and fails its reconnect attempts
    await connection(a.page, 'reconnecting');

    // Another client (a member, over REST) changes the board meanwhile.
    const headers = bearer(member.token);
    await t.http
      .post(`/api/tasks/${toMove.id}/move`)
      .set(headers)
      .send({ status: 'review', beforeId: null, afterId: null, version: toMove.version })
      .expect(200);
    await t.http.patch(`/api/tasks/${toRename.id}`).set(headers).send({ title: 'Renamed by Mo' }).expect(200);
    await t.http.delete(`/api/tasks/${toDelete.id}`).set(headers).expect(200);
    const added = await createTask('Added while offline', member.token);
    // Nothing reaches the page while it is offline.
    expect(await a.page.locator(cardIn('pending', toDelete.id)).count()).toBe(1);
    await screenshot(a.page, 'board-reconnecting');

    const back = Date.now();
    await a.context.setOffline(false);
    await connection(a.page, 'live');
    await a.page.waitForSelector(cardIn('review', toMove.id), { timeout: LIVE_TIMEOUT });
    await a.page.waitForSelector(`${cardIn('pending', toRename.id)} >> text=Renamed by Mo`, { timeout: LIVE_TIMEOUT });
    await a.page.waitForSelector(cardIn('pending', added.id), { timeout: LIVE_TIMEOUT });
    await a.page.waitForSelector(cardIn('pending', toDelete.id), { state: 'detached', timeout: LIVE_TIMEOUT });
    console.log(`board consistent ${Date.now() - back} ms after the network came back`);
    expect(await a.page.evaluate(() => (window as unknown as { tandemNoReload?: boolean }).tandemNoReload)).toBe(true);
    expect(await a.page.locator(cardIn('pending', toMove.id)).count()).toBe(0);

    // And it is live again: a change made now arrives as an event.
    await t.http.patch(`/api/tasks/${added.id}`).set(headers).send({ title: 'Live again' }).expect(200);
    await a.page.waitForSelector(`${cardIn('pending', added.id)} >> text=Live again`, { timeout: LIVE_TIMEOUT });
  });

  it('warns the user when a move goes over a soft WIP limit, and keeps the move', async () => {
    const current = (await t.http.get(`/api/workflows/${workflowId}`).set(bearer(t.adminToken)).expect(200))
      .body as Workflow;
    await t.http
      .patch(`/api/workflows/${workflowId}`)
      .set(bearer(t.adminToken))
      .send({ wipLimits: { in_progress: { limit: 1, hard: false } }, version: current.version })
      .expect(200);
    const first = await createTask('Already in progress');
    await t.http
      .post(`/api/tasks/${first.id}/move`)
      .set(bearer(t.adminToken))
      .send({ status: 'in_progress', beforeId: null, afterId: null, version: first.version })
      .expect(200);
    const second = await createTask('One too many');
    await a.page.waitForSelector('[data-testid=wip-in_progress] >> text=1 / 1', { timeout: LIVE_TIMEOUT });
    await a.page.waitForSelector(cardIn('pending', second.id), { timeout: LIVE_TIMEOUT });

    await dragWithMouse(a.page, cardIn('pending', second.id), '[data-testid=column-in_progress] .column-body');
    const notice = a.page.locator('[data-testid=board-notice].warning');
    await notice.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await notice.textContent()).toMatch(/soft limit/);
    await a.page.waitForSelector(cardIn('in_progress', second.id));
    await a.page.waitForSelector('[data-testid=wip-in_progress] >> text=2 / 1');
    const stored = await t.http.get(`/api/tasks/${second.id}`).set(bearer(t.adminToken)).expect(200);
    expect(stored.body.status).toBe('in_progress');
    await screenshot(a.page, 'board-soft-wip-warning');

    // A task created straight into the full column warns too.
    await a.page.click('[data-testid=board-notice] button[aria-label=Dismiss]');
    await notice.waitFor({ state: 'detached' });
    await a.page.click('[data-testid=add-task-in_progress]');
    await a.page.fill('[data-testid=column-in_progress] textarea[name=title]', 'Created over the limit');
    await a.page.keyboard.press('Enter');
    await a.page.waitForSelector('[data-testid=column-in_progress] >> text=Created over the limit', {
      timeout: LIVE_TIMEOUT,
    });
    await a.page.waitForSelector('[data-testid=wip-in_progress] >> text=3 / 1');
    await notice.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await notice.textContent()).toMatch(/soft limit/);
    expect(a.problems).toEqual([]);
  });

  it('shows who holds a claim on a card, and until when, live', async () => {
    const agent = await t.agent([workflowId], 'Claimy');
    const task = await createTask('Claimed live');
    await a.page.goto(`${t.url}/workflows/${workflowId}`);
    await a.page.waitForSelector(cardIn('pending', task.id));
    await t.http.post(`/api/tasks/${task.id}/claim`).set(bearer(agent.key)).send({ ttlSeconds: 600 }).expect(200);
    const claim = a.page.locator(`${cardIn('pending', task.id)} .claim`);
    await claim.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await claim.textContent()).toMatch(/Claimy until/);
    await t.http.delete(`/api/tasks/${task.id}/claim`).set(bearer(t.adminToken)).expect(200);
    await claim.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    expect(a.problems).toEqual([]);
  });
});
