import type { Browser, Page } from 'playwright-core';
import type { HumanInterrupt, InterruptState, Suggestion, Task, Webhook } from '@tandem/shared';
import { waitFor } from '../../backend/test/support/nodes';
import { bearer, type TestApp } from '../../backend/test/support/test-app';
import { verifySignature, WebhookReceiver } from '../../backend/test/support/webhook-receiver';
import { useBrowserApp } from './app';
import {
  auditThemes,
  DESKTOP,
  LIVE_TIMEOUT,
  logIn,
  openPage,
  PHONE,
  screenshotThemes,
  type WatchedPage,
} from './browser';

/** Issue 14 in the browser: the webhooks page against a real receiver; Respond and Ignore for agents that wait. */
describe('reaching people and agents from the browser', () => {
  const app = useBrowserApp({
    env: { WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_RETRY_BASE_MS: '300', WEBHOOK_POLL_MS: '200' },
  });
  let t: TestApp;
  let browser: Browser;
  let admin: WatchedPage;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ({ t, browser, admin } = app);
    receiver = await WebhookReceiver.start();
  });

  afterAll(() => receiver?.close());

  const webhooks = async () =>
    (await t.http.get('/api/webhooks').set(bearer(t.adminToken)).expect(200)).body.items as Webhook[];
  const createTask = async (workflowId: string, title: string, token = t.adminToken) =>
    (await t.http.post(`/api/workflows/${workflowId}/tasks`).set(bearer(token)).send({ title }).expect(201))
      .body as Task;

  it('registers a webhook with its secret shown once, then lists, pauses, edits, redelivers and deletes it', async () => {
    const { page } = admin;
    const hooked = await t.workflow('Hooked');
    const other = await t.workflow('Not hooked');
    await page.goto(`${t.url}/webhooks`);
    const form = page.locator('form[aria-labelledby=register-webhook]');
    await form.locator('input[name=url]').fill(receiver.url);
    await form.locator('input[name=events]').fill('task.*');
    await form.locator('select[name=workflowId]').selectOption({ label: 'Hooked' });
    await form.locator('input[name=description]').fill('Board to CI');
    await form.locator('button:text-is("Register")').click();
    const secretBox = page.locator('[data-testid=webhook-secret]');
    await secretBox.waitFor();
    const secret = (await secretBox.textContent())!.trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const row = page.locator('[data-testid=webhook-row]', { hasText: receiver.url });
    await row.locator('[data-testid=webhook-status] >> text=active').waitFor();
    expect(await row.locator('[data-testid=webhook-summary]').innerText()).toBe(
      'task.* · JSON (signed envelope) · Hooked · Board to CI',
    );
    expect(await auditThemes(page)).toEqual([]);
    await screenshotThemes(page, 'webhooks-secret-once');
    await page.click('[data-testid=webhook-secret-panel] button:text-is("Done")');
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret); // shown once, never again
    const [stored] = await webhooks();
    expect(stored).toMatchObject({ url: receiver.url, events: ['task.*'], workflowId: hooked.id, active: true });

    // A change on its workflow reaches the receiver, signed with that secret; one on another workflow does not.
    await createTask(other.id, 'Elsewhere');
    const first = await createTask(hooked.id, 'Ship the hook');
    await waitFor('1 task.created deliveries', () => receiver.ofType('task.created').length === 1, LIVE_TIMEOUT);
    const [delivery] = receiver.ofType('task.created');
    expect(verifySignature(secret, delivery)).toBe(true);
    expect(delivery.body).toMatchObject({ type: 'task.created', workflowId: hooked.id, data: { id: first.id } });

    // A receiver that fails: the page shows the 500 and the retry that succeeded, same delivery id.
    receiver.respond = (request) =>
      request.body.type === 'task.updated' && receiver.ofType('task.updated').length === 1 ? 500 : 200;
    await t.http
      .patch(`/api/tasks/${first.id}`)
      .set(bearer(t.adminToken))
      .send({ title: 'Ship the hook, v2' })
      .expect(200);
    await waitFor('2 task.updated deliveries', () => receiver.ofType('task.updated').length === 2, 10_000);
    const [failed, retried] = receiver.ofType('task.updated');
    expect(retried.headers['tandem-delivery']).toBe(failed.headers['tandem-delivery']);
    await row.locator('button:text-is("Deliveries")').click();
    const retriedRows = row.locator(
      `[data-testid=delivery-row][data-delivery-id="${String(failed.headers['tandem-delivery'])}"]`,
    );
    await retriedRows.nth(1).waitFor();
    expect(await retriedRows.locator('[data-testid=delivery-answer]').allInnerTexts()).toEqual(['200', '500']);

    // Redeliver the first event: the receiver gets it again under the same delivery id.
    const firstId = String(delivery.headers['tandem-delivery']);
    await row.locator(`[data-testid=delivery-row][data-delivery-id="${firstId}"] button:text-is("Redeliver")`).click();
    await row.locator('text=Queued again').waitFor();
    await waitFor('2 task.created deliveries', () => receiver.ofType('task.created').length === 2, LIVE_TIMEOUT);
    expect(receiver.ofType('task.created')[1].headers['tandem-delivery']).toBe(firstId);
    await row
      .locator(`[data-testid=delivery-row][data-delivery-id="${firstId}"]`)
      .nth(1)
      .waitFor({ timeout: LIVE_TIMEOUT });
    expect(await auditThemes(page)).toEqual([]);
    await screenshotThemes(page, 'webhooks-deliveries');

    // Paused: nothing is sent; resumed: it is active again.
    await row.locator('button:text-is("Pause")').click();
    await row.locator('[data-testid=webhook-status] >> text=paused').waitFor();
    expect((await webhooks())[0].active).toBe(false);
    const before = receiver.received.length;
    await createTask(hooked.id, 'While paused');
    await new Promise((done) => setTimeout(done, 1500));
    expect(receiver.received.length).toBe(before);
    await row.locator('button:text-is("Resume")').click();
    await row.locator('[data-testid=webhook-status] >> text=active').waitFor();

    // Edited: other events, every workflow, a new description.
    await row.locator('button:text-is("Edit")').click();
    const edit = row.locator('form[aria-labelledby^=edit-webhook]');
    await edit.locator('input[name=events]').fill('comment.added, suggestion.*');
    await edit.locator('select[name=workflowId]').selectOption({ label: 'All workflows' });
    await edit.locator('input[name=description]').fill('Comments and suggestions');
    await edit.locator('button:text-is("Save")').click();
    await edit.waitFor({ state: 'detached' });
    await row
      .locator('[data-testid=webhook-summary]', {
        hasText: 'comment.added, suggestion.* · JSON (signed envelope) · all workflows · Comments and suggestions',
      })
      .waitFor();
    expect((await webhooks())[0]).toMatchObject({
      events: ['comment.added', 'suggestion.*'],
      workflowId: null,
      description: 'Comments and suggestions',
    });

    const phone = await openPage(browser, { viewport: PHONE });
    await logIn(phone.page, t.url, 'admin@test.local', 'admin-password-1');
    await phone.page.goto(`${t.url}/webhooks`);
    await phone.page.locator('[data-testid=webhook-row]').waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    expect(await auditThemes(phone.page)).toEqual([]);
    await screenshotThemes(phone.page, 'webhooks');
    await phone.context.close();

    // Deleted after a confirmation in place; every change is in the audit log.
    await row.locator('button:text-is("Delete")').click();
    await row.locator('[role=group] button:text-is("Delete")').click();
    await page.waitForSelector('text=No webhooks yet.');
    expect(await webhooks()).toEqual([]);
    const actions = (await t.auditAfter(0))
      .map((entry) => entry.action)
      .filter((action) => action.startsWith('webhook.'));
    expect(actions).toEqual([
      'webhook.created',
      'webhook.redelivered',
      'webhook.updated',
      'webhook.updated',
      'webhook.updated',
      'webhook.deleted',
    ]);
    expect(admin.problems).toEqual([]);
  });

  describe('Respond and Ignore, for an agent that waits', () => {
    let workflowId: string;
    let task: Task;
    let agentKey: string;
    let approver: WatchedPage;

    const ALL: HumanInterrupt['config'] = {
      allow_accept: true,
      allow_edit: true,
      allow_respond: true,
      allow_ignore: true,
    };
    const interrupt = async (action: string, config = ALL) =>
      (
        await t.http
          .post('/api/interrupts')
          .set(bearer(agentKey))
          .send({
            workflowId,
            taskId: task.id,
            action_request: { action, args: { table: 'orders' } },
            config,
            description: `**${action}** needs a human`,
          })
          .expect(201)
      ).body as { id: string; suggestionId: string };
    /** What the agent's long-poll answers (started before the human decides). */
    const awaitInterrupt = (id: string) =>
      t.http
        .get(`/api/interrupts/${id}`)
        .query({ wait: 30 })
        .set(bearer(agentKey))
        .then((response) => response.body as InterruptState);
    const queueItem = (page: Page, id: string) => page.locator(`[data-testid=queue-item][data-suggestion-id="${id}"]`);

    beforeAll(async () => {
      workflowId = (await t.workflow('Agent inbox')).id;
      task = await createTask(workflowId, 'Migrate the orders table');
      agentKey = (await t.agent([workflowId], 'migrator')).key;
      const ann = await t.user('approver', 'Ann Approver');
      approver = await openPage(browser, { viewport: DESKTOP });
      await logIn(approver.page, t.url, ann.email, 'password-123');
    });

    it('answers in free text or ignores from the queue; the agent hears a HumanResponse', async () => {
      const { page } = admin;
      const asked = await interrupt('drop_column');
      const ignored = await interrupt('vacuum');
      const acceptOnly = await interrupt('analyze', { ...ALL, allow_respond: false, allow_ignore: false });
      await page.goto(`${t.url}/approvals`);
      const answer = awaitInterrupt(asked.id);
      await queueItem(page, asked.suggestionId).click();
      const panel = page.locator('[data-testid=conversation-panel]');
      await panel.locator('strong >> text=drop_column').waitFor(); // the description, as markdown
      await panel.locator('button:text-is("Respond")').click();
      await panel.locator('textarea[aria-label="Your answer"]').fill('Keep the column; archive it instead.');
      expect(await auditThemes(page)).toEqual([]);
      await screenshotThemes(page, 'approvals-interrupt-respond');
      await panel.locator('button:text-is("Send answer")').click();
      expect(await answer).toEqual({
        status: 'decided',
        response: { type: 'response', args: 'Keep the column; archive it instead.' },
      });
      await queueItem(page, asked.suggestionId).waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });

      const ignoredAnswer = awaitInterrupt(ignored.id);
      await queueItem(page, ignored.suggestionId).click();
      await panel.locator('button:text-is("Ignore")').click();
      expect(await ignoredAnswer).toEqual({ status: 'decided', response: { type: 'ignore', args: null } });
      await queueItem(page, ignored.suggestionId).waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });

      // Only what the interrupt's config allows is offered.
      await queueItem(page, acceptOnly.suggestionId).click();
      await panel.locator('button:text-is("Accept")').waitFor();
      expect(await panel.locator('button:text-is("Respond"), button:text-is("Ignore")').count()).toBe(0);
      expect(admin.problems).toEqual([]);
    });

    it("answers a question and ignores an interrupt from the task drawer; the admin's queue follows live", async () => {
      const question = (
        await t.http
          .post('/api/suggestions')
          .set(bearer(agentKey))
          .set('Idempotency-Key', 'question-1')
          .send({ kind: 'question', taskId: task.id, payload: { question: 'Which **region** should I use?' } })
          .expect(201)
      ).body as Suggestion;
      const ignored = await interrupt('reindex');
      await admin.page.goto(`${t.url}/approvals`);
      await queueItem(admin.page, question.id).waitFor();

      const { page } = approver;
      await page.goto(`${t.url}/workflows/${workflowId}?task=${task.id}`);
      const drawer = page.locator('[data-testid=task-drawer]');
      const asked = drawer.locator(`[data-testid=drawer-suggestion][data-suggestion-id="${question.id}"]`);
      await asked.locator('[data-testid=conversation-panel] strong:text-is("region")').waitFor(); // markdown
      const answered = t.http
        .get(`/api/suggestions/${question.id}`)
        .query({ wait: 30 })
        .set(bearer(agentKey))
        .then((response) => response.body as Suggestion);
      expect(await asked.locator('button:text-is("Accept")').count()).toBe(0); // a question is answered, not approved
      await asked.locator('button:text-is("Respond")').click();
      await asked.locator('textarea[aria-label="Your answer"]').fill('eu-west-1');
      await asked.locator('button:text-is("Send answer")').click();
      expect(await answered).toMatchObject({
        status: 'answered',
        response: 'eu-west-1',
        decidedByName: 'Ann Approver',
      });
      await queueItem(admin.page, question.id).waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
      await drawer.locator('[data-testid=decided-suggestion] >> text=eu-west-1').waitFor({ timeout: LIVE_TIMEOUT });

      const ignoredAnswer = awaitInterrupt(ignored.id);
      const pending = drawer.locator(`[data-testid=drawer-suggestion][data-suggestion-id="${ignored.suggestionId}"]`);
      expect(await auditThemes(page)).toEqual([]);
      await screenshotThemes(page, 'drawer-interrupt');
      await pending.locator('button:text-is("Ignore")').click();
      expect(await ignoredAnswer).toEqual({ status: 'decided', response: { type: 'ignore', args: null } });
      await queueItem(admin.page, ignored.suggestionId).waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
      expect([...admin.problems, ...approver.problems]).toEqual([]);
    });
  });
});
