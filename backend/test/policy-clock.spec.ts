import type { Suggestion, Workflow } from '@tandem/shared';
import { SuggestionScheduler } from '../src/modules/suggestions/suggestion-scheduler.service';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import { actions, getSuggestion, hitlSetup, suggest } from './suggestions-helpers';

/** The policy's clock: `timeoutAction` at the time limit, `escalateAfterSeconds`, driven tick by tick. */
describe('workflow policy: what a time-out does, and when to escalate', () => {
  let t: TestApp;
  let scheduler: SuggestionScheduler;
  let before: string | undefined;

  beforeAll(async () => {
    before = process.env.TANDEM_SCHEDULER_INTERVAL_MS;
    process.env.TANDEM_SCHEDULER_INTERVAL_MS = '0'; // no ticks of its own: the test drives them
    t = await startTestApp();
    scheduler = t.app.get(SuggestionScheduler);
  });

  afterAll(async () => {
    await t.close();
    if (before === undefined) delete process.env.TANDEM_SCHEDULER_INTERVAL_MS;
    else process.env.TANDEM_SCHEDULER_INTERVAL_MS = before;
  });

  /** Moves a suggestion's clock back by `seconds` (its creation and its expiry alike). */
  const age = (id: string, seconds: number) =>
    t.sql(
      `update suggestions set created_at = created_at - make_interval(secs => $2),
              expires_at = expires_at - make_interval(secs => $2) where id = $1`,
      [id, seconds],
    );

  it('validates the new fields, stores them and audits the change', async () => {
    const workflow = await t.workflow('Clocked');
    const patch = (policy: object) =>
      t.http.patch(`/api/workflows/${workflow.id}`).set(bearer(t.adminToken)).send({ policy });
    const refused = await patch({ timeoutAction: 'approve', escalateAfterSeconds: 5 }).expect(400);
    expect(JSON.stringify(refused.body)).toMatch(/timeoutAction/);
    expect(JSON.stringify(refused.body)).toMatch(/escalateAfterSeconds/);
    await patch({ escalateAfterSeconds: 1.5 }).expect(400);
    const since = await t.lastSeq();
    const saved = (await patch({ timeoutAction: 'reject', escalateAfterSeconds: 600 }).expect(200)).body as Workflow;
    expect(saved.policy).toMatchObject({ timeoutAction: 'reject', escalateAfterSeconds: 600, requiredApprovals: 1 });
    const [entry] = await t.auditAfter(since);
    expect(entry.action).toBe('workflow.updated');
    expect(JSON.stringify(entry.changes)).toMatch(/"timeoutAction":"reject"/);
    // null goes back to the default (escalate at half the time limit).
    const cleared = (await patch({ escalateAfterSeconds: null }).expect(200)).body as Workflow;
    expect(cleared.policy.escalateAfterSeconds).toBeNull();
  });

  it('rejects at the time limit when the policy says so, and the waiting agent hears it; expire stays the default', async () => {
    const rejecting = await hitlSetup(t, { suggestionTtlSeconds: 60, timeoutAction: 'reject' });
    const expiring = await hitlSetup(t, { suggestionTtlSeconds: 60 });
    const rejected = await suggest(t, rejecting.agent.key, { workflowId: rejecting.workflowId, kind: 'custom' });
    const expired = await suggest(t, expiring.agent.key, { workflowId: expiring.workflowId, kind: 'custom' });
    const fresh = await suggest(t, rejecting.agent.key, { workflowId: rejecting.workflowId, kind: 'custom' });
    const waiting = t.http
      .get(`/api/suggestions/${rejected.id}`)
      .query({ wait: 20 })
      .set(bearer(rejecting.agent.key))
      .then((response) => response.body as Suggestion);
    await age(rejected.id, 61);
    await age(expired.id, 61);
    const since = await t.lastSeq();
    await scheduler.runOnce();

    expect(await waiting).toMatchObject({
      status: 'rejected',
      decidedByName: 'system',
      decisionNote: 'No decision within the time limit.',
      approvals: [],
    });
    expect((await getSuggestion(t, expired.id)).status).toBe('expired');
    expect((await getSuggestion(t, fresh.id)).status).toBe('pending');
    const audit = (await t.auditAfter(since)).filter((entry) => entry.action !== 'suggestion.escalated');
    expect(actions(audit).sort()).toEqual(['suggestion.expired', 'suggestion.rejected']);
    const rejection = audit.find((entry) => entry.action === 'suggestion.rejected')!;
    expect(rejection).toMatchObject({
      actor: { type: 'system' },
      onBehalfOf: 'policy:suggestionTtlSeconds',
      entityId: rejected.id,
      context: { policy: { suggestionTtlSeconds: 60, timeoutAction: 'reject' } },
    });
    expect(audit.find((entry) => entry.action === 'suggestion.expired')!.context).toMatchObject({
      policy: { suggestionTtlSeconds: 60, timeoutAction: 'expire' },
    });
    // Nothing more happens on the next tick.
    const after = await t.lastSeq();
    await scheduler.runOnce();
    expect(await t.auditAfter(after)).toEqual([]);
  });

  it('escalates after escalateAfterSeconds, with or without a time limit, else at half the time limit', async () => {
    const early = await hitlSetup(t, { suggestionTtlSeconds: 3600, escalateAfterSeconds: 60 });
    const noLimit = await hitlSetup(t, { escalateAfterSeconds: 60 });
    const halfway = await hitlSetup(t, { suggestionTtlSeconds: 3600 });
    const post = (setup: { agent: { key: string }; workflowId: string }) =>
      suggest(t, setup.agent.key, { workflowId: setup.workflowId, kind: 'custom' });
    const [earlyDue, earlyNot, noLimitDue, halfwayNot, halfwayDue] = await Promise.all([
      post(early),
      post(early),
      post(noLimit),
      post(halfway),
      post(halfway),
    ]);
    await age(earlyDue.id, 61);
    await age(earlyNot.id, 30);
    await age(noLimitDue.id, 61);
    await age(halfwayNot.id, 1000); // 1,000 s of 3,600: before half
    await age(halfwayDue.id, 1801);
    const since = await t.lastSeq();
    await scheduler.runOnce();
    const escalated = (await t.auditAfter(since)).filter((entry) => entry.action === 'suggestion.escalated');
    expect(escalated.map((entry) => entry.entityId).sort()).toEqual([earlyDue.id, noLimitDue.id, halfwayDue.id].sort());
    expect(escalated.find((entry) => entry.entityId === earlyDue.id)!.context).toMatchObject({
      policy: { suggestionTtlSeconds: 3600, escalateAfterSeconds: 60 },
    });
    for (const id of [earlyDue.id, noLimitDue.id, halfwayDue.id]) {
      expect(await getSuggestion(t, id)).toMatchObject({ status: 'pending', escalated: true });
    }
    for (const id of [earlyNot.id, halfwayNot.id]) expect((await getSuggestion(t, id)).escalated).toBe(false);
    const after = await t.lastSeq();
    await scheduler.runOnce();
    expect(await t.auditAfter(after)).toEqual([]); // once only
  });
});
