import type { Browser, Page } from 'playwright-core';
import { TandemClient, type Agent, type Workflow } from '@tandem/shared';
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

/** Issue 13, point 1: a team administers Tandem from the browser alone (people, workflow settings, agents). */
describe('administration without curl', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: WatchedPage;

  const getWorkflow = async (id: string) =>
    (await t.http.get(`/api/workflows/${id}`).set(bearer(t.adminToken)).expect(200)).body as Workflow;
  const getAgent = async (id: string) =>
    (await t.http.get(`/api/agents/${id}`).set(bearer(t.adminToken)).expect(200)).body as Agent;
  const personRow = (page: Page, email: string) => page.locator(`[data-testid=person-row][data-email="${email}"]`);
  const tryLogIn = async (page: Page, email: string, password: string) => {
    await page.goto(`${t.url}/login`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
  };

  const app = useBrowserApp();

  beforeAll(async () => {
    ({ t, browser, admin } = app);
    await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
  });

  it('People: adds a person with a one-time password shown once, who signs in; role, reset and disable apply', async () => {
    const { page } = admin;
    await page.goto(`${t.url}/people`);
    await page.waitForSelector('[data-testid=people-table]');
    await page.fill('input[name=email]', 'nora@example.com');
    await page.fill('input[name=name]', 'Nora New');
    await page.selectOption('select[name=role]', 'approver');
    await page.click('button:text-is("Add person")');
    const secret = page.locator('[data-testid=temporary-password]');
    await secret.waitFor();
    const first = (await secret.textContent())!.trim();
    expect(first).toMatch(/^[\w-]{16}$/);
    await personRow(page, 'nora@example.com').waitFor();
    expect(await auditThemes(page)).toEqual([]);
    await screenshotThemes(page, 'people-one-time-password');
    await page.click('[data-testid=temporary-password-panel] button:text-is("Done")');
    await secret.waitFor({ state: 'detached' });
    await page.reload();
    await personRow(page, 'nora@example.com').waitFor();
    expect(await page.content()).not.toContain(first); // shown once, never again

    // Nora signs in in another browser context with it, as an approver: no admin links.
    const nora = await openPage(browser, { viewport: DESKTOP });
    await logIn(nora.page, t.url, 'nora@example.com', first);
    await nora.page.waitForSelector('.who >> text=approver');
    expect(await nora.page.locator('nav[aria-label=Main] >> text=People').count()).toBe(0);
    expect(await nora.page.locator('nav[aria-label=Main] >> text=Audit').count()).toBe(0);

    // The admin makes her a viewer; her next page load shows it.
    await personRow(page, 'nora@example.com').locator('select').selectOption('viewer');
    await page.waitForSelector('[role=status] >> text=Nora New is now viewer.');
    await nora.page.reload();
    await nora.page.waitForSelector('.who >> text=viewer');

    // A reset gives a new one-time password and ends her session.
    await personRow(page, 'nora@example.com').locator('button:text-is("Reset password")').click();
    await personRow(page, 'nora@example.com').locator('button:text-is("Reset")').click();
    await secret.waitFor();
    const second = (await secret.textContent())!.trim();
    expect(second).not.toBe(first);
    await nora.page.reload();
    await nora.page.waitForURL(/\/login/);
    await tryLogIn(nora.page, 'nora@example.com', first);
    await nora.page.waitForSelector('.error >> text=Wrong email or password');
    await logIn(nora.page, t.url, 'nora@example.com', second);

    // Disabled: signed out and refused; enabled again: back in.
    await personRow(page, 'nora@example.com').locator('button:text-is("Disable")').click();
    await personRow(page, 'nora@example.com').locator('[role=group] button:text-is("Disable")').click();
    await personRow(page, 'nora@example.com').locator('text=disabled').waitFor();
    await nora.page.reload();
    await nora.page.waitForURL(/\/login/);
    await tryLogIn(nora.page, 'nora@example.com', second);
    await nora.page.waitForSelector('.error >> text=Wrong email or password');
    await personRow(page, 'nora@example.com').locator('button:text-is("Enable")').click();
    await personRow(page, 'nora@example.com').locator('text=active').waitFor();
    await logIn(nora.page, t.url, 'nora@example.com', second);

    // A viewer never sees the page's controls, even by its address.
    await nora.page.goto(`${t.url}/people`);
    await nora.page.waitForSelector('text=Only admins manage people.');
    expect(await nora.page.locator('button:text-is("Add person")').count()).toBe(0);
    await nora.context.close();

    // The admin cannot lock themselves out from here.
    const me = personRow(page, ADMIN.email);
    expect(await me.locator('select').isDisabled()).toBe(true);

    const phone = await openPage(browser, { viewport: PHONE });
    await logIn(phone.page, t.url, ADMIN.email, ADMIN.password);
    await phone.page.goto(`${t.url}/people`);
    await personRow(phone.page, 'nora@example.com').waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    expect(await auditThemes(phone.page)).toEqual([]);
    await screenshotThemes(phone.page, 'people');
    await phone.context.close();
    expect([...admin.problems, ...nora.problems, ...phone.problems]).toEqual([]);
  });

  it('Workflow settings: admins edit name, status, WIP limits, policy and agents; approvers read them only', async () => {
    const { page } = admin;
    const workflow = await t.workflow('Settings target');
    const agent = await t.agent([], 'picker-bot');
    const escalator = await t.user('approver', 'Eve Escalation');
    await page.goto(`${t.url}/workflows/${workflow.id}`);
    await page.click('[data-testid=workflow-settings-link]');
    await page.waitForURL(`${t.url}/workflows/${workflow.id}/settings`);
    await page.waitForSelector('h1 >> text=Settings: Settings target');

    const general = page.locator('section[aria-labelledby=settings-general]');
    await general.locator('input[name=name]').fill('Renamed in settings');
    await general.locator('textarea[name=description]').fill('Described in the browser');
    await general.locator('select[name=status]').selectOption('paused');
    await general.locator('button:text-is("Save")').click();
    await general.locator('text=Saved.').waitFor();
    expect(await getWorkflow(workflow.id)).toMatchObject({
      name: 'Renamed in settings',
      description: 'Described in the browser',
      status: 'paused',
    });

    const wip = page.locator('section[aria-labelledby=settings-work-in-progress-limits]');
    await wip.locator('input[name=limit-in_progress]').fill('2');
    await wip.locator('input[name=hard-in_progress]').check();
    await wip.locator('input[name=limit-review]').fill('5');
    await wip.locator('button:text-is("Save limits")').click();
    await wip.locator('text=Saved.').waitFor();
    expect((await getWorkflow(workflow.id)).wipLimits).toEqual({
      in_progress: { limit: 2, hard: true },
      review: { limit: 5, hard: false },
    });

    const policy = page.locator('section[aria-labelledby=settings-approval-policy]');
    await policy.locator('input[name=requiredApprovals]').fill('2');
    await policy.locator('input[name=separationOfDuties]').check();
    await policy.locator('label:has-text("Time limit for a decision") input').check();
    await policy.locator('input[name=ttlAmount]').fill('2');
    await policy.locator('select[name=ttlUnit]').selectOption({ label: 'hours' });
    await policy.locator('select[name=timeoutAction]').selectOption({ label: 'It is rejected: the agent is told no' });
    await policy.locator('select[name=escalateWhen]').selectOption({ label: 'After a set time' });
    await policy.locator('input[name=escalateAmount]').fill('30');
    await policy.locator('select[name=escalateUnit]').selectOption({ label: 'minutes' });
    await policy.locator('label:has-text("Every approver") input').check();
    await policy.locator('select[name=escalateUser]').selectOption({ label: 'Eve Escalation (approver)' });
    await policy.locator('label:has-text("Approve automatically") input').check();
    await policy.locator('input[name=autoApproveAbove]').fill('90');
    await policy.locator('button:text-is("Save policy")').click();
    await policy.locator('text=Saved.').waitFor();
    expect((await getWorkflow(workflow.id)).policy).toEqual({
      requiredApprovals: 2,
      separationOfDuties: true,
      suggestionTtlSeconds: 7200,
      timeoutAction: 'reject',
      escalateAfterSeconds: 1800,
      escalationReviewers: { roles: ['approver'], users: [escalator.id] },
      autoApproveAbove: 0.9,
    });
    // Read back as saved after a reload.
    await page.reload();
    await policy.locator('select[name=timeoutAction]').waitFor();
    expect(await policy.locator('select[name=timeoutAction]').inputValue()).toBe('reject');
    expect(await policy.locator('input[name=escalateAmount]').inputValue()).toBe('30');
    expect(await policy.locator('select[name=escalateUnit]').inputValue()).toBe('60');
    expect(await policy.locator('label:has-text("Every approver") input').isChecked()).toBe(true);
    expect(await policy.locator('label:has-text("Every admin") input').isChecked()).toBe(false);
    expect(await policy.locator('select[name=escalateUser] option:checked').allInnerTexts()).toEqual([
      'Eve Escalation (approver)',
    ]);

    // A bad value is refused in words, and nothing changes.
    await policy.locator('input[name=requiredApprovals]').evaluate((input: HTMLInputElement) => {
      input.removeAttribute('max');
      input.value = '11';
    });
    await policy.locator('button:text-is("Save policy")').click();
    await policy.locator('[role=alert] >> text=/Required approvals/').waitFor();
    expect((await getWorkflow(workflow.id)).policy.requiredApprovals).toBe(2);

    const agents = page.locator('section[aria-labelledby=settings-agents]');
    await agents.locator('select[name=agent]').selectOption({ label: 'picker-bot (offline)' });
    await agents.locator('button:text-is("Add agent")').click();
    await agents.locator('[data-testid=assigned-agents] >> text=picker-bot').waitFor();
    expect((await getWorkflow(workflow.id)).agentIds).toEqual([agent.id]);
    expect(await auditThemes(page)).toEqual([]);
    await screenshotThemes(page, 'workflow-settings');
    await agents.locator('button[aria-label="Remove picker-bot from this workflow"]').click();
    await agents.locator('text=No agents work on this workflow yet.').waitFor();
    expect((await getWorkflow(workflow.id)).agentIds).toEqual([]);

    // An approver sees it all, read-only; a member gets no link to it.
    const approver = await t.user('approver', 'Abe Approver');
    const member = await t.user('member', 'Meg Member');
    const other = await openPage(browser, { viewport: PHONE });
    await logIn(other.page, t.url, approver.email, 'password-123');
    await other.page.goto(`${t.url}/workflows/${workflow.id}/settings`);
    await other.page.waitForSelector('text=Read-only: only admins change workflow settings.');
    expect(await other.page.locator('input[name=name]').inputValue()).toBe('Renamed in settings');
    expect(await other.page.locator('input[name=name]').isDisabled()).toBe(true);
    expect(await other.page.locator('button:text-is("Save policy")').count()).toBe(0);
    expect(await other.page.locator('select[name=timeoutAction]').isDisabled()).toBe(true);
    expect(await other.page.locator('button:text-is("Archive workflow")').count()).toBe(0);
    expect(await auditThemes(other.page)).toEqual([]);
    await screenshotThemes(other.page, 'workflow-settings-read-only');
    await other.context.close();
    const m = await openPage(browser);
    await logIn(m.page, t.url, member.email, 'password-123');
    await m.page.goto(`${t.url}/workflows/${workflow.id}`);
    await m.page.waitForSelector('[data-testid=board]');
    expect(await m.page.locator('[data-testid=workflow-settings-link]').count()).toBe(0);
    await m.context.close();

    // Archive, with a confirmation in place.
    await general.locator('button:text-is("Archive workflow")').click();
    await general.locator('[role=group] button:text-is("Archive")').click();
    await general.locator('text=Archived.').first().waitFor();
    expect((await getWorkflow(workflow.id)).archivedAt).not.toBeNull();
    expect(admin.problems).toEqual([]);
  });

  it('Agents: the key once with a copy button, assignment from the page, and one true status everywhere', async () => {
    const { page } = admin;
    const workflow = await t.workflow('Agent floor');
    await page.goto(`${t.url}/agents`);
    await page.fill('form[aria-labelledby=register-agent] input[name=name]', 'scout');
    await page.fill('form[aria-labelledby=register-agent] input[name=capabilities]', 'search, summarize');
    await page.click('button:text-is("Register agent")');
    const key = page.locator('[data-testid=api-key]');
    await key.waitFor();
    const apiKey = (await key.textContent())!.trim();
    expect(apiKey).toMatch(/^tdm_/);
    await page.click('[data-testid=api-key-panel] button:text-is("Copy")');
    await page.waitForSelector('[data-testid=api-key-panel] button:text-is("Copied")');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(apiKey);
    await screenshotThemes(page, 'agents-key-once');
    await page.click('[data-testid=api-key-panel] button:text-is("Done")');
    const row = page.locator('[data-testid=agent-row]', { hasText: 'scout' });
    const agentId = (await row.getAttribute('data-agent-id'))!;

    // Put it to work without leaving the page.
    await row.locator('select[aria-label="Assign scout to a workflow"]').selectOption({ label: 'Agent floor' });
    await row.locator('button:text-is("Assign")').click();
    await row.locator('a >> text=Agent floor').waitFor();
    expect((await getWorkflow(workflow.id)).agentIds).toEqual([agentId]);

    // Two tasks of its own, one done: the counts, and they survive any agent event.
    for (const status of ['completed', 'in_progress'] as const) {
      await t.http
        .post(`/api/workflows/${workflow.id}/tasks`)
        .set(bearer(t.adminToken))
        .send({ title: `Scout ${status}`, status, agentId })
        .expect(201);
    }
    await page.reload();
    await row.locator('[data-testid=agent-tasks] >> text=2 (0 failed)').waitFor();
    await row.locator('[data-testid=agent-success] >> text=100%').waitFor();
    await row.locator('[data-testid=agent-status] >> text=offline').waitFor();
    const lastSeen = row.locator('td[data-label="Last seen"]');
    expect(await lastSeen.textContent()).toBe('never');

    // The agent connects, works, idles: the page, the board (another context) and the API agree.
    const board = await openPage(browser, { viewport: DESKTOP });
    await logIn(board.page, t.url, ADMIN.email, ADMIN.password);
    const [inProgress] = (
      await t.http.get(`/api/workflows/${workflow.id}/tasks`).set(bearer(t.adminToken)).expect(200)
    ).body.items.filter((task: { status: string }) => task.status === 'in_progress');
    await board.page.goto(`${t.url}/workflows/${workflow.id}`);
    await board.page.waitForSelector(cardIn('in_progress', inProgress.id));
    const client = new TandemClient({ baseUrl: t.url, token: apiKey });
    client.connect();
    try {
      for (const status of ['online', 'busy', 'idle'] as const) {
        if (status !== 'online') await client.setStatus(status);
        await row.locator(`[data-testid=agent-status] >> text=${status}`).waitFor({ timeout: LIVE_TIMEOUT });
        await board.page.waitForSelector(`${cardIn('in_progress', inProgress.id)} .dot.status-${status}`, {
          timeout: LIVE_TIMEOUT,
        });
        expect((await getAgent(agentId)).status).toBe(status);
      }
      expect(await lastSeen.textContent()).toBe('now');
      await t.http
        .patch(`/api/agents/${agentId}`)
        .set(bearer(t.adminToken))
        .send({ description: 'finds things' })
        .expect(200);
      await row.locator('text=finds things').waitFor({ timeout: LIVE_TIMEOUT });
      expect(await row.locator('[data-testid=agent-tasks]').textContent()).toBe('2 (0 failed)');
      expect(await row.locator('[data-testid=agent-success]').textContent()).toBe('100%');
      expect(await row.locator('[data-testid=agent-status]').textContent()).toContain('idle');
      expect(await auditThemes(page)).toEqual([]);
      await screenshotThemes(page, 'agents');
    } finally {
      client.disconnect();
    }
    await row.locator('[data-testid=agent-status] >> text=offline').waitFor({ timeout: 15_000 });
    expect(await lastSeen.textContent()).toBe('just now');
    expect((await getAgent(agentId)).lastSeen).not.toBeNull();
    await board.context.close();
    expect(admin.problems).toEqual([]);
  });
});
