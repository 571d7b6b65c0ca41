import type { Browser } from 'playwright-core';
import { TandemClient, type Suggestion, type SuggestionKind, type Task } from '@tandem/shared';
import { bearer, ADMIN, type TestApp } from '../../backend/test/support/test-app';
import { useBrowserApp } from './app';
import {
  auditThemes,
  cardIn,
  LIVE_TIMEOUT,
  logIn,
  openPage,
  PHONE,
  screenshotThemes,
  type WatchedPage,
} from './browser';

/** Issue 13, point 3: reviewing agent suggestions from the queue and from the board. */
describe('reviewing agent suggestions', () => {
  let t: TestApp;
  let browser: Browser;
  let a: WatchedPage;
  let workflowId: string;
  let agent: TandemClient;
  let counter = 0;

  const task = async (title: string) =>
    (await t.http.post(`/api/workflows/${workflowId}/tasks`).set(bearer(t.adminToken)).send({ title }).expect(201))
      .body as Task;
  const suggest = (taskId: string, kind: SuggestionKind, action: string, payload: Record<string, unknown>) =>
    agent.createSuggestion(
      { taskId, kind, action, reasoning: `Because ${action}`, payload, confidence: 0.8 },
      `k${(counter += 1)}`,
    );
  const stored = async (id: string) =>
    (await t.http.get(`/api/suggestions/${id}`).set(bearer(t.adminToken)).expect(200)).body as Suggestion;
  const item = (id: string) => a.page.locator(`[data-testid=queue-item][data-suggestion-id="${id}"]`);

  const app = useBrowserApp();

  beforeAll(async () => {
    ({ t, browser, admin: a } = app);
    const workflow = await t.workflow('Review desk');
    workflowId = workflow.id;
    await t.http
      .patch(`/api/workflows/${workflowId}`)
      .set(bearer(t.adminToken))
      .send({ policy: { suggestionTtlSeconds: 3600 } })
      .expect(200);
    const key = await t.agent([workflowId], 'editor-bot');
    agent = new TandemClient({ baseUrl: t.url, token: key.key });
  });

  afterAll(() => agent?.disconnect());

  it('approves with one key and a few seconds to undo; the selection moves to the next item', async () => {
    const [t1, t2] = [await task('First'), await task('Second')];
    const s1 = await suggest(t1.id, 'task.update', 'Rename First', { title: 'First, renamed' });
    const s2 = await suggest(t2.id, 'task.update', 'Rename Second', { title: 'Second, renamed' });
    await a.page.goto(`${t.url}/approvals`);
    await item(s1.id).click();
    await a.page.waitForSelector('[data-testid=time-left] >> text=/expires in (59|60) min/');
    await a.page.keyboard.press('a');
    await a.page.waitForSelector('[data-testid=undo-approve]');
    expect(await a.page.locator('[aria-current=true]').getAttribute('data-suggestion-id')).toBe(s2.id);
    await a.page.keyboard.press('u');
    await a.page.waitForSelector('[data-testid=queue-notice] >> text=Approval undone');
    await new Promise((done) => setTimeout(done, 5500));
    expect((await stored(s1.id)).status).toBe('pending'); // never sent

    await item(s1.id).click();
    await a.page.keyboard.press('a');
    expect((await stored(s1.id)).status).toBe('pending'); // not yet: the undo window runs
    await a.page.waitForSelector('[data-testid=undo-approve]', { state: 'detached', timeout: 8_000 });
    for (let i = 0; i < 20 && (await stored(s1.id)).status === 'pending'; i += 1) {
      await new Promise((done) => setTimeout(done, 250));
    }
    expect((await stored(s1.id)).status).toBe('approved');
    expect(await a.page.locator('[aria-current=true]').getAttribute('data-suggestion-id')).toBe(s2.id);
  });

  it('shows a sent-back suggestion differently until revised, then what changed', async () => {
    const [s2] = (await t.http.get('/api/suggestions?status=pending').set(bearer(t.adminToken))).body
      .items as Suggestion[];
    await item(s2.id).click();
    await a.page.keyboard.press('c');
    await a.page.fill('[data-testid=decision-panel] textarea', 'Say "renamed twice"');
    await a.page.click('[data-testid=decision-panel] button:text-is("Request changes")');
    const row = a.page.locator('.queue-row', { has: item(s2.id) });
    await row.locator('.tag >> text=Sent back: waiting for a revision').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.getAttribute('class')).toContain('sent-back');
    await agent.reviseSuggestion(s2.id, { payload: { title: 'Second, renamed twice' } });
    await row.locator('.tag >> text=Revised (revision 2)').waitFor({ timeout: LIVE_TIMEOUT });
    await item(s2.id).click();
    const changes = a.page.locator('[data-testid=revision-changes]');
    await changes.locator('text=Changed since revision 1').waitFor();
    expect(await changes.innerText()).toContain('Second, renamed twice');
    expect(await auditThemes(a.page)).toEqual([]);
    await screenshotThemes(a.page, 'approvals-revised');
  });

  it('edits typed kinds in a form and custom ones as JSON checked as you type', async () => {
    const t3 = await task('Third');
    const comment = await suggest(t3.id, 'comment', 'Comment on Third', { body: 'Looks fine' });
    const custom = await suggest(t3.id, 'custom', 'Deploy Third', { target: 'staging' });
    await a.page.selectOption('select[aria-label=Kind]', { label: 'Comment' });
    await item(comment.id).click();
    expect(await a.page.locator('[data-testid=queue-item]').count()).toBe(1);
    await a.page.keyboard.press('e');
    const form = a.page.locator('[data-testid=payload-form]');
    await form.locator('textarea[name=body]').fill('Looks fine, edited by a human');
    await a.page.click('button:text-is("Approve edited")');
    await a.page.waitForSelector('text=Nothing waits for a decision.', { timeout: LIVE_TIMEOUT });
    const comments = (await t.http.get(`/api/tasks/${t3.id}/comments`).set(bearer(t.adminToken))).body.items;
    expect(comments.map((each: { body: string }) => each.body)).toEqual(['Looks fine, edited by a human']);

    await a.page.selectOption('select[aria-label=Kind]', { label: 'Custom action' });
    await item(custom.id).click();
    await a.page.keyboard.press('e');
    const json = a.page.locator('[data-testid=decision-panel] textarea.mono');
    await json.fill('{"target": "prod"');
    await a.page.waitForSelector('#payload-json-state >> text=Not valid JSON');
    expect(await a.page.locator('button:text-is("Approve edited")').isDisabled()).toBe(true);
    await json.fill('{"target": "production"}');
    await a.page.waitForSelector('#payload-json-state >> text=Valid JSON');
    await a.page.click('button:text-is("Approve edited")');
    await a.page.waitForSelector('text=Nothing waits for a decision.', { timeout: LIVE_TIMEOUT });
    expect(await stored(custom.id)).toMatchObject({
      status: 'approved',
      edited: true,
      payload: { target: 'production' },
    });
    await a.page.selectOption('select[aria-label=Kind]', { label: 'Any kind' });
  });

  it('approves several at once after a confirmation', async () => {
    const t4 = await task('Fourth');
    const picked = [
      await suggest(t4.id, 'task.update', 'Label Fourth', { labels: ['x'] }),
      await suggest(t4.id, 'comment', 'Note on Fourth', { body: 'noted' }),
    ];
    for (const suggestion of picked) {
      await item(suggestion.id).waitFor({ timeout: LIVE_TIMEOUT });
      await a.page.check(`input[aria-label="Select “${suggestion.action}”"]`);
    }
    await a.page.click('[data-testid=bulk-bar] button:text-is("Approve 2")');
    await a.page.click('[data-testid=bulk-bar] button:text-is("Approve all")');
    await a.page.waitForSelector('[data-testid=queue-notice] >> text=Approved 2 of 2.', { timeout: LIVE_TIMEOUT });
    for (const suggestion of picked) expect((await stored(suggestion.id)).status).toBe('approved');
  });

  it("decides from the card's pending badge in the drawer; another browser sees the card move", async () => {
    const t5 = await task('Fifth');
    const move = await suggest(t5.id, 'task.move', 'Start Fifth', { status: 'in_progress' });
    const member = await t.user('member', 'Mo Member');
    const other = await openPage(browser, { viewport: PHONE });
    await logIn(other.page, t.url, member.email, 'password-123');
    await other.page.goto(`${t.url}/workflows/${workflowId}`);
    await other.page.waitForSelector(cardIn('pending', t5.id));
    expect(await other.page.locator('[data-testid=workflow-settings-link]').count()).toBe(0);

    await a.page.goto(`${t.url}/workflows/${workflowId}`);
    await a.page.click(`${cardIn('pending', t5.id)} [data-testid=pending-badge]`);
    const drawer = a.page.locator('[data-testid=task-drawer]');
    await drawer.locator(`[data-testid=drawer-suggestion][data-suggestion-id="${move.id}"]`).waitFor();
    expect(await a.page.evaluate(() => document.activeElement?.id)).toBe('drawer-suggestions');
    expect(await auditThemes(a.page)).toEqual([]);
    await screenshotThemes(a.page, 'drawer-decide');
    await drawer.locator('[data-testid=decision-panel] button:text-is("Approve")').click();
    await a.page.waitForSelector(cardIn('in_progress', t5.id), { timeout: LIVE_TIMEOUT });
    await other.page.waitForSelector(cardIn('in_progress', t5.id), { timeout: LIVE_TIMEOUT });
    await drawer.locator('.status-pill.sg-approved').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await a.page.locator(`${cardIn('in_progress', t5.id)} [data-testid=pending-badge]`).count()).toBe(0);
    // A member sees the suggestion but no decision buttons.
    expect(await other.page.locator('[data-testid=decision-panel]').count()).toBe(0);
    await screenshotThemes(other.page, 'board');
    await other.context.close();

    const phone = await openPage(browser, { viewport: PHONE });
    await logIn(phone.page, t.url, ADMIN.email, ADMIN.password);
    await phone.page.goto(`${t.url}/approvals`);
    await phone.page.waitForSelector('h1 >> text=Approvals');
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    expect(await auditThemes(phone.page)).toEqual([]);
    await screenshotThemes(phone.page, 'approvals');
    await phone.context.close();
    expect(a.problems).toEqual([]);
  });
});
