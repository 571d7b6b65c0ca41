import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { TandemClient, workflowChannel, type EventEnvelope, type Suggestion, type Task } from '@tandem/shared';
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

describe('the browser app against the real backend', () => {
  let t: TestApp;
  let browser: Browser;
  let workflowId: string;
  let member: { token: string; id: string; email: string };
  let a: WatchedPage;
  let b: WatchedPage;
  const tasks: Task[] = [];

  beforeAll(async () => {
    process.env.TANDEM_FRONTEND_DIR = resolve('out');
    t = await startTestApp();
    browser = await launchBrowser();
    workflowId = (await t.workflow('Launch checklist')).id;
    member = await t.user('member', 'Mia Member');
    for (const title of ['Write the release notes', 'Update the changelog', 'Tag the release']) {
      const response = await t.http
        .post(`/api/workflows/${workflowId}/tasks`)
        .set(bearer(t.adminToken))
        .send({ title, priority: 'high', labels: ['release'] })
        .expect(201);
      tasks.push(response.body as Task);
    }
    a = await openPage(browser);
    b = await openPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends an unauthenticated visit to the login page, logs in, and keeps the session across a reload', async () => {
    await a.page.goto(`${t.url}/approvals`);
    await a.page.waitForURL(/\/login\?next=%2Fapprovals/);
    await screenshot(a.page, 'login');
    await logIn(a.page, t.url, ADMIN.email, ADMIN.password);
    await a.page.reload();
    await a.page.waitForSelector('text=Dashboard');
    await a.page.waitForSelector('text=Launch checklist');
    await screenshot(a.page, 'dashboard');
    await logIn(b.page, t.url, member.email, 'password-123');
  });

  it('shows a drag moved with the mouse in one context on the board of the other', async () => {
    for (const { page } of [a, b]) {
      await page.goto(`${t.url}/workflows/${workflowId}`);
      await page.waitForSelector(cardIn('pending', tasks[0].id));
    }
    await b.page.waitForSelector('[data-testid=presence] >> text=AD'); // the admin is viewing too
    await screenshot(a.page, 'board');
    const started = Date.now();
    await dragWithMouse(a.page, cardIn('pending', tasks[0].id), '[data-testid=column-in_progress] .column-body');
    await a.page.waitForSelector(cardIn('in_progress', tasks[0].id), { timeout: LIVE_TIMEOUT });
    await b.page.waitForSelector(cardIn('in_progress', tasks[0].id), { timeout: LIVE_TIMEOUT });
    console.log(`mouse move seen in the other context after ${Date.now() - started} ms`);
    const stored = await t.http.get(`/api/tasks/${tasks[0].id}`).set(bearer(t.adminToken)).expect(200);
    expect(stored.body.status).toBe('in_progress');
  });

  it('moves a card with the keyboard and the other context follows', async () => {
    const handle = b.page.locator(`${cardIn('pending', tasks[1].id)} .drag-handle`);
    await handle.focus();
    const started = Date.now();
    await b.page.keyboard.press('Space');
    await b.page.waitForSelector('.task-card.overlay');
    await b.page.keyboard.press('ArrowRight');
    await b.page.keyboard.press('ArrowRight');
    // dnd-kit settles collisions on the next frame; the screen-reader announcement says when it has.
    await b.page.waitForSelector('[id^=DndLiveRegion] >> text=/is at the end of Review/');
    await b.page.keyboard.press('Space');
    await b.page.waitForSelector(cardIn('review', tasks[1].id), { timeout: LIVE_TIMEOUT });
    await a.page.waitForSelector(cardIn('review', tasks[1].id), { timeout: LIVE_TIMEOUT });
    console.log(`keyboard move seen in the other context after ${Date.now() - started} ms`);
    const stored = await t.http.get(`/api/tasks/${tasks[1].id}`).set(bearer(t.adminToken)).expect(200);
    expect(stored.body.status).toBe('review');
  });

  it('snaps a refused move back and says why (hard WIP limit, 409)', async () => {
    const current = await t.http.get(`/api/workflows/${workflowId}`).set(bearer(t.adminToken)).expect(200);
    await t.http
      .patch(`/api/workflows/${workflowId}`)
      .set(bearer(t.adminToken))
      .send({ wipLimits: { completed: { limit: 0, hard: true } }, version: current.body.version })
      .expect(200);
    await a.page.waitForSelector('[data-testid=wip-completed] >> text=0 / 0', { timeout: LIVE_TIMEOUT });
    await dragWithMouse(a.page, cardIn('review', tasks[1].id), '[data-testid=column-completed] .column-body');
    await a.page.waitForSelector('[data-testid=board-notice] >> text=Move refused', { timeout: LIVE_TIMEOUT });
    await a.page.waitForSelector(cardIn('review', tasks[1].id));
    expect(await a.page.locator(cardIn('completed', tasks[1].id)).count()).toBe(0);
  });

  it('hides drag handles and decisions from a viewer', async () => {
    const viewer = await t.user('viewer', 'Vic Viewer');
    const v = await openPage(browser);
    await logIn(v.page, t.url, viewer.email, 'password-123');
    await v.page.goto(`${t.url}/workflows/${workflowId}`);
    await v.page.waitForSelector(cardIn('pending', tasks[2].id));
    expect(await v.page.locator('.drag-handle').count()).toBe(0);
    expect(await v.page.locator('[data-testid^=add-task]').count()).toBe(0);
    await v.context.close();
  });

  it('shows an agent suggestion live in the queue; approving applies it on the board and the agent hears it', async () => {
    await a.page.goto(`${t.url}/approvals`);
    await a.page.waitForSelector('text=Nothing waits for a decision.');
    const agentKey = await t.agent([workflowId], 'release-bot');
    const agent = new TandemClient({ baseUrl: t.url, token: agentKey.key });
    const decided = new Promise<EventEnvelope>((resolveDecision) => {
      agent.on('suggestion.approved', (event) => resolveDecision(event));
    });
    await agent.subscribe(workflowChannel(workflowId));
    try {
      const suggestion: Suggestion = await agent.createSuggestion(
        {
          taskId: tasks[2].id,
          kind: 'task.update',
          action: 'Rename the tagging task',
          reasoning: 'The tag is signed now.',
          payload: { title: 'Tag and sign the release' },
          confidence: 0.82,
        },
        'rename-1',
      );
      await a.page.waitForSelector('[data-testid=queue-item] >> text=Rename the tagging task', {
        timeout: LIVE_TIMEOUT,
      });
      await a.page.waitForSelector('[data-testid=payload-diff] >> text=Tag and sign the release');
      await screenshot(a.page, 'approvals');
      await a.page.keyboard.press('a');
      const event = await decided;
      expect(event.data).toMatchObject({ id: suggestion.id, status: 'approved' });
      await a.page.waitForSelector('text=Nothing waits for a decision.', { timeout: LIVE_TIMEOUT });
      await b.page.waitForSelector(`${cardIn('pending', tasks[2].id)} >> text=Tag and sign the release`, {
        timeout: LIVE_TIMEOUT,
      });
    } finally {
      agent.disconnect();
    }
  });

  it('shows a comment typed in one context in the other, and renders HTML in it as text', async () => {
    await a.page.goto(`${t.url}/workflows/${workflowId}?task=${tasks[0].id}`);
    await b.page.locator(`${cardIn('in_progress', tasks[0].id)} .card-body`).click();
    for (const { page } of [a, b]) await page.waitForSelector('[data-testid=task-drawer] >> text=No comments yet.');
    await a.page.fill('textarea[aria-label=Comment]', 'Looks **good** to me');
    await a.page.click('button:text-is("Comment")');
    await b.page.waitForSelector('[data-testid=comment] strong:text-is("good")', { timeout: LIVE_TIMEOUT });

    const hostile = '<img src=x onerror=alert(1)>';
    await b.page.fill('textarea[aria-label=Comment]', hostile);
    await b.page.click('button:text-is("Comment")');
    const shown = a.page.locator('[data-testid=comment] .markdown', { hasText: hostile });
    await shown.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await a.page.locator('[data-testid=comment] img').count()).toBe(0);
    expect(await b.page.locator('[data-testid=comment] img').count()).toBe(0);
    await screenshot(a.page, 'task-drawer');
  });

  it('lists the agents and exports the audit log as CSV with the actions of this session', async () => {
    await a.page.goto(`${t.url}/agents`);
    await a.page.waitForSelector('[data-testid=agent-row] >> text=release-bot');
    await screenshot(a.page, 'agents');

    await a.page.goto(`${t.url}/audit`);
    await a.page.waitForSelector('[data-testid=audit-table] >> text=comment.added');
    await a.page.click('button:text-is("Verify chain")');
    await a.page.waitForSelector('[data-testid=verify] >> text=Chain intact');
    await screenshot(a.page, 'audit');
    const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.click('[data-testid=export-csv]')]);
    const csv = readFileSync(await download.path(), 'utf8');
    for (const action of ['task.moved', 'suggestion.created', 'suggestion.approved', 'comment.added']) {
      expect(csv).toContain(action);
    }
  });

  it('lays the board out at phone width without errors on any page', async () => {
    const phone = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await logIn(phone.page, t.url, ADMIN.email, ADMIN.password);
    await t.http
      .post(`/api/workflows/${workflowId}/tasks`)
      .set(bearer(t.adminToken))
      .send({ title: 'x'.repeat(1000), labels: ['long'] })
      .expect(201);
    await phone.page.goto(`${t.url}/workflows/${workflowId}`);
    await phone.page.waitForSelector(cardIn('pending', tasks[2].id));
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0); // the board scrolls inside itself, the page does not
    await screenshot(phone.page, 'board-phone');
    await phone.context.close();
    expect([...a.problems, ...b.problems, ...phone.problems]).toEqual([]);
  });

  it('opens a board of 5,000 tasks (timing printed, not asserted)', async () => {
    const big = await t.workflow('Big board');
    await t.sql(
      `insert into tasks (id, created_at, updated_at, workflow_id, title, status, rank, labels)
       select gen_random_uuid(), now(), now(), $1, 'Generated task ' || i,
              (array['pending','in_progress','review','completed','failed'])[i % 5 + 1],
              'a' || lpad(i::text, 5, '0') || 'V', '[]'::jsonb
       from generate_series(1, 5000) as i`,
      [big.id],
    );
    const started = Date.now();
    await a.page.goto(`${t.url}/workflows/${big.id}`);
    await a.page.waitForSelector('[data-testid=column-failed] [data-testid=task-card]');
    const opened = Date.now() - started;
    const rendered = await a.page.locator('[data-testid=task-card]').count();
    // Where the time goes: the tasks answer (server query + serialization + transfer) against the rest.
    const fetched = await a.page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry): entry is PerformanceResourceTiming => /\/tasks(\?|$)/.test(entry.name))
        .map((entry) => `${Math.round(entry.responseEnd - entry.startTime)} ms (${entry.encodedBodySize} bytes)`),
    );
    console.log(
      `5,000-task board: interactive after ${opened} ms, ${rendered} cards rendered; tasks fetched in ${fetched.join(', ')}`,
    );
    expect(await a.page.locator('[data-testid=wip-pending]').textContent()).toBe('1000');
    expect(rendered).toBeLessThan(500);
    await screenshot(a.page, 'board-5000');
  });
});
