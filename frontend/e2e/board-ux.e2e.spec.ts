import type { Browser, Page } from 'playwright-core';
import type { Task } from '@tandem/shared';
import { bearer, ADMIN, type TestApp } from '../../backend/test/support/test-app';
import { useBrowserApp } from './app';
import {
  auditThemes,
  cardIn,
  DESKTOP,
  LIVE_TIMEOUT,
  logIn,
  openPage,
  PHONE,
  screenshotThemes,
  type WatchedPage,
} from './browser';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{8}\b/i;

/** No id, whole or cut, in what a person reads (links may carry them). */
const visibleIds = (page: Page) =>
  page.evaluate((pattern) => new RegExp(pattern, 'i').exec(document.body.innerText)?.[0] ?? null, UUID.source);

/** Issue 13, point 2: the board a team can read at a glance, edit inline, and trust when the network goes. */
describe('the board, readable and honest', () => {
  let t: TestApp;
  let browser: Browser;
  let a: WatchedPage;
  let ada: { token: string; id: string; email: string };
  let workflowId: string;
  let agent: { key: string; id: string };
  let rich: Task;

  const tasksNow = async () =>
    (await t.http.get(`/api/workflows/${workflowId}/tasks`).set(bearer(t.adminToken)).expect(200)).body.items as Task[];

  const app = useBrowserApp();

  beforeAll(async () => {
    ({ t, browser, admin: a } = app);
    workflowId = (await t.workflow('Readable board')).id;
    ada = await t.user('member', 'Ada Lovelace');
    agent = await t.agent([workflowId], 'scribe');
    rich = (
      await t.http
        .post(`/api/workflows/${workflowId}/tasks`)
        .set(bearer(t.adminToken))
        .send({
          title: 'Write the launch post',
          priority: 'high',
          dueDate: '2030-03-04T00:00:00.000Z',
          labels: ['blog', 'launch', 'copy'],
          assigneeUserId: ada.id,
          agentId: agent.id,
        })
        .expect(201)
    ).body as Task;
    await t.http.post(`/api/tasks/${rich.id}/comments`).set(bearer(ada.token)).send({ body: 'On it' }).expect(201);
    await t.http.post(`/api/tasks/${rich.id}/claim`).set(bearer(agent.key)).send({ ttlSeconds: 600 }).expect(200);
  });

  it('shows a compact card with assignees, due date, labels, comments and the claim; five columns fit 1,440 px', async () => {
    await a.page.goto(`${t.url}/workflows/${workflowId}`);
    const card = a.page.locator(cardIn('pending', rich.id));
    await card.waitFor();
    const text = (await card.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('Write the launch post');
    expect(text).toContain('AL'); // Ada's initials
    expect(await card.locator('.sr-only >> text=Assigned to Ada Lovelace').count()).toBe(1);
    expect(await card.locator('.avatar.agent').textContent()).toBe('S'); // scribe
    expect(text).toMatch(/Mar 4, 2030/);
    expect(text).toContain('blog');
    expect(text).toContain('launch');
    expect(text).toContain('+1');
    expect(await card.locator('.comments').innerText()).toMatch(/1/);
    expect(await card.locator('.claim').innerText()).toMatch(/scribe until/);
    const box = await card.boundingBox();
    expect(box!.height).toBeLessThanOrEqual(90);
    const fits = await a.page.evaluate(() => {
      const board = document.querySelector('[data-testid=board]')!;
      return board.scrollWidth <= board.clientWidth;
    });
    expect(fits).toBe(true);
    expect(await visibleIds(a.page)).toBeNull();
    expect(await auditThemes(a.page)).toEqual([]);
    await screenshotThemes(a.page, 'board');
  });

  it("counts another user's comment on the card live, and deleting it counts down", async () => {
    const count = (n: number) =>
      a.page.locator(`${cardIn('pending', rich.id)} .comments`, { hasText: new RegExp(`\\b${n}\\b`) });
    await count(1).waitFor();
    const member = await openPage(browser, { viewport: DESKTOP });
    await logIn(member.page, t.url, ada.email, 'password-123');
    await member.page.goto(`${t.url}/workflows/${workflowId}?task=${rich.id}`);
    const editor = member.page.locator('[data-testid=task-drawer] textarea[aria-label=Comment]');
    await editor.fill('Second pair of eyes, please');
    await member.page.click('[data-testid=task-drawer] button[type=submit]:text-is("Comment")');
    await count(2).waitFor({ timeout: LIVE_TIMEOUT });
    const comments = (await t.http.get(`/api/tasks/${rich.id}/comments`).set(bearer(ada.token)).expect(200)).body
      .items as { id: string; body: string }[];
    const second = comments.find((comment) => comment.body === 'Second pair of eyes, please')!;
    await t.http.delete(`/api/comments/${second.id}`).set(bearer(ada.token)).expect(200);
    await count(1).waitFor({ timeout: LIVE_TIMEOUT });
    expect(member.problems).toEqual([]);
    await member.context.close();
  });

  it('shows the first card on the first screen of a 390 × 844 phone, without scrolling', async () => {
    const phone = await openPage(browser, { viewport: PHONE });
    await logIn(phone.page, t.url, ada.email, 'password-123');
    await phone.page.goto(`${t.url}/workflows/${workflowId}`);
    const first = phone.page.locator('[data-testid=task-card]').first();
    await first.waitFor();
    expect(await first.getAttribute('data-task-id')).toBe(rich.id);
    const box = (await first.boundingBox())!;
    expect(await phone.page.evaluate(() => window.scrollY)).toBe(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await screenshotThemes(phone.page, 'board-first-screen');
    await phone.context.close();
  });

  it('adds a task inline at a column foot, refusing an empty or too-long title in words', async () => {
    const before = (await tasksNow()).length;
    await a.page.click('[data-testid=add-task-review]');
    const input = a.page.locator('[data-testid=column-review] textarea[name=title]');
    await input.waitFor();
    expect(await input.evaluate((element) => element === document.activeElement)).toBe(true);
    await a.page.keyboard.press('Enter');
    await a.page.waitForSelector("[data-testid=column-review] [role=alert] >> text=Title can't be empty");
    await input.fill('x'.repeat(2001));
    await a.page.keyboard.press('Enter');
    await a.page.waitForSelector(
      '[data-testid=column-review] [role=alert] >> text=Title is too long: 2,001 characters, at most 2,000',
    );
    expect((await tasksNow()).length).toBe(before); // refused, not cut
    await input.fill('Proofread the launch post');
    await a.page.keyboard.press('Enter');
    await a.page.waitForSelector(
      '[data-testid=column-review] [data-testid=task-card] >> text=Proofread the launch post',
      {
        timeout: LIVE_TIMEOUT,
      },
    );
    const created = (await tasksNow()).find((task) => task.title === 'Proofread the launch post');
    expect(created?.status).toBe('review');
    expect(await input.inputValue()).toBe(''); // ready for the next one
    await a.page.keyboard.press('Escape');
    await a.page.waitForSelector('[data-testid=add-task-review]');
  });

  it('filters by a person and an agent picked by name', async () => {
    await a.page.selectOption('select[aria-label=Assignee]', { label: 'Ada Lovelace' });
    await a.page.waitForSelector('[data-testid=column-review] >> text=Proofread the launch post', {
      state: 'detached',
    });
    await a.page.waitForSelector(cardIn('pending', rich.id));
    expect(a.page.url()).toContain(`assigneeUserId=${ada.id}`);
    await a.page.click('button:text-is("Clear filters")');
    await a.page.selectOption('select[aria-label=Agent]', { label: 'scribe' });
    await a.page.waitForSelector('[data-testid=column-review] >> text=Proofread the launch post', {
      state: 'detached',
    });
    await a.page.click('button:text-is("Clear filters")');
    await a.page.waitForSelector('[data-testid=column-review] >> text=Proofread the launch post');
  });

  it('tells the history in sentences, and focus goes into the drawer and back to the card', async () => {
    await t.http
      .post(`/api/tasks/${rich.id}/move`)
      .set(bearer(ada.token))
      .send({
        status: 'in_progress',
        beforeId: null,
        afterId: null,
        version: (await tasksNow()).find((task) => task.id === rich.id)!.version,
      })
      .expect(200);
    await t.http
      .patch(`/api/tasks/${rich.id}`)
      .set(bearer(ada.token))
      .send({ title: 'Write the launch post (v2)' })
      .expect(200);
    const opener = a.page.locator(`${cardIn('in_progress', rich.id)} .card-body`);
    await opener.waitFor({ timeout: LIVE_TIMEOUT });
    await opener.focus();
    await a.page.keyboard.press('Enter');
    const drawer = a.page.locator('[data-testid=task-drawer]');
    await drawer.waitFor();
    expect(await drawer.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    const history = drawer.locator('[data-testid=task-history]');
    await history.locator('text=Ada Lovelace moved it from Pending to In progress').waitFor();
    await history.locator('text=Ada Lovelace renamed it to “Write the launch post (v2)”').waitFor();
    await history.locator('text=/scribe claimed it until/').waitFor();
    const said = await history.innerText();
    expect(said).not.toMatch(/→|null|rank|"a\d/);
    expect(await visibleIds(a.page)).toBeNull();
    expect(await auditThemes(a.page)).toEqual([]);
    await screenshotThemes(a.page, 'task-drawer-history');
    await a.page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await a.page.waitForFunction((id) => document.activeElement?.getAttribute('data-card-open') === id, rich.id);
  });

  it('says when Tandem cannot be reached and offers no edits until it is back; another user sees the result', async () => {
    const member = await openPage(browser, { viewport: DESKTOP });
    await logIn(member.page, t.url, ada.email, 'password-123');
    await member.page.goto(`${t.url}/workflows/${workflowId}`);
    await member.page.waitForSelector('[data-testid=add-task-pending]');
    await member.context.setOffline(true);
    await member.page.waitForSelector('[data-testid=offline-banner]', { timeout: 15_000 });
    expect(await member.page.locator('[data-testid^=add-task]').count()).toBe(0);
    expect(await member.page.locator('.drag-handle').count()).toBe(0);
    await screenshotThemes(member.page, 'board-offline');
    await member.context.setOffline(false);
    await member.page.waitForSelector('[data-testid=offline-banner]', { state: 'detached', timeout: 15_000 });
    await member.page.click('[data-testid=add-task-pending]');
    await member.page.fill('[data-testid=column-pending] textarea[name=title]', 'Added after the network came back');
    await member.page.keyboard.press('Enter');
    await a.page.waitForSelector('[data-testid=column-pending] >> text=Added after the network came back', {
      timeout: LIVE_TIMEOUT,
    });
    expect(member.problems.filter((problem) => !/ERR_INTERNET_DISCONNECTED|WebSocket/.test(problem))).toEqual([]);
    await member.context.close();
  });

  it('names the column as shown, with the right count, in a soft WIP warning', async () => {
    const current = await t.http.get(`/api/workflows/${workflowId}`).set(bearer(t.adminToken)).expect(200);
    await t.http
      .patch(`/api/workflows/${workflowId}`)
      .set(bearer(t.adminToken))
      .send({ wipLimits: { in_progress: { limit: 1, hard: false } }, version: current.body.version })
      .expect(200);
    await a.page.waitForSelector('[data-testid=wip-in_progress] >> text=1 / 1', { timeout: LIVE_TIMEOUT });
    await a.page.click('[data-testid=add-task-in_progress]');
    await a.page.fill('[data-testid=column-in_progress] textarea[name=title]', 'One more in progress');
    await a.page.keyboard.press('Enter');
    const notice = a.page.locator('[data-testid=board-notice].warning');
    await notice.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await notice.innerText()).toContain('“In progress” now holds 2 tasks, over its soft limit of 1.');
  });

  it('shows names and links in the audit log, never an id', async () => {
    await a.page.goto(`${t.url}/audit`);
    const rows = a.page.locator('[data-testid=audit-row]');
    await rows.first().waitFor();
    const moved = rows.filter({ hasText: 'moved a task' }).first();
    await moved.waitFor();
    const link = moved.locator('a', { hasText: 'Task “Write the launch post' });
    expect(await link.getAttribute('href')).toBe(`/workflows/${workflowId}?task=${rich.id}`);
    expect(await moved.locator('a', { hasText: 'Readable board' }).getAttribute('href')).toBe(
      `/workflows/${workflowId}`,
    );
    expect(await moved.innerText()).toContain('Ada Lovelace');
    expect(await visibleIds(a.page)).toBeNull();
    await a.page.selectOption('select[aria-label=Who]', { label: 'scribe' });
    await a.page.click('button:text-is("Apply")');
    await a.page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=audit-row]')].every((row) => row.textContent?.includes('scribe')),
    );
    expect(await auditThemes(a.page)).toEqual([]);
    await screenshotThemes(a.page, 'audit');

    const phone = await openPage(browser, { viewport: PHONE });
    await logIn(phone.page, t.url, ADMIN.email, ADMIN.password);
    await phone.page.goto(`${t.url}/audit`);
    await phone.page.locator('[data-testid=audit-row]').first().waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    // Rows, not a squeezed table: each row is a block with its labels.
    expect(
      await phone.page
        .locator('[data-testid=audit-row]')
        .first()
        .evaluate((row) => getComputedStyle(row).display),
    ).toBe('block');
    expect(await auditThemes(phone.page)).toEqual([]);
    await screenshotThemes(phone.page, 'audit');
    await phone.context.close();
    expect(a.problems).toEqual([]);
  });
});
