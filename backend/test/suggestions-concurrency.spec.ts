import type { Suggestion } from '@tandem/shared';
import { adminQuery } from './support/services';
import { bearer, createTestDatabase, startTestApp, type TestApp } from './support/test-app';
import { actions, createTask, decide, getSuggestion, getTask, hitlSetup, suggest } from './suggestions-helpers';

const statuses = (responses: Array<{ status: number }>) => responses.map((response) => response.status).sort();

describe('suggestions under concurrency (one node)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('twenty simultaneous decisions by twenty approvers: exactly one wins', async () => {
    const { workflowId, agent } = await hitlSetup(t);
    const task = await createTask(t, workflowId);
    const approvers = await Promise.all(Array.from({ length: 20 }, () => t.user('approver')));
    const suggestion = await suggest(t, agent.key, {
      taskId: task.id,
      kind: 'task.update',
      payload: { title: 'Once' },
    });
    const since = await t.lastSeq();
    const responses = await Promise.all(
      approvers.map((approver, index) =>
        decide(t, approver.token, suggestion.id, { decision: index % 2 ? 'reject' : 'approve', revision: 1 }),
      ),
    );
    expect(statuses(responses)).toEqual([200, ...new Array<number>(19).fill(409)]);
    const winner = responses.find((response) => response.status === 200)!.body as Suggestion;
    for (const loser of responses.filter((response) => response.status === 409)) {
      expect(loser.body).toMatchObject({ code: 'already_decided', details: { status: winner.status } });
    }
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(
      winner.status === 'approved' ? ['suggestion.approved', 'task.updated'] : ['suggestion.rejected'],
    );
    expect((await getTask(t, task.id)).title).toBe(winner.status === 'approved' ? 'Once' : task.title);
  });

  it('fifty simultaneous decisions: one outcome, one audit entry', async () => {
    const { workflowId, agent } = await hitlSetup(t);
    const approvers = await Promise.all(Array.from({ length: 5 }, () => t.user('approver')));
    const suggestion = await suggest(t, agent.key, { workflowId, kind: 'custom' });
    const since = await t.lastSeq();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        decide(t, approvers[index % 5].token, suggestion.id, {
          decision: index % 3 === 0 ? 'reject' : 'approve',
          revision: 1,
        }),
      ),
    );
    expect(statuses(responses)).toEqual([200, ...new Array<number>(49).fill(409)]);
    const audit = await t.auditAfter(since);
    expect(audit).toHaveLength(1);
    expect(['suggestion.approved', 'suggestion.rejected']).toContain(audit[0].action);
    expect((await getSuggestion(t, suggestion.id)).status).toBe(audit[0].action.split('.')[1]);
  });

  it('a reject racing an approve: one wins, the other gets 409', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const rival = await t.user('approver');
    for (let round = 0; round < 5; round += 1) {
      const suggestion = await suggest(t, agent.key, { workflowId, kind: 'custom' });
      const since = await t.lastSeq();
      const [approve, reject] = await Promise.all([
        decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }),
        decide(t, rival.token, suggestion.id, { decision: 'reject', revision: 1 }),
      ]);
      expect(statuses([approve, reject])).toEqual([200, 409]);
      const final = await getSuggestion(t, suggestion.id);
      expect(final.status).toBe(approve.status === 200 ? 'approved' : 'rejected');
      expect(actions(await t.auditAfter(since))).toEqual([`suggestion.${final.status}`]);
    }
  });
});

describe('suggestions across two nodes sharing one database', () => {
  let database: string;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startTestApp({ database });
    b = await startTestApp({ database });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('a quorum of two approvers deciding at the same moment on two nodes approves once', async () => {
    const { workflowId, agent, approver } = await hitlSetup(a, { requiredApprovals: 2 });
    const second = await a.user('approver');
    const task = await createTask(a, workflowId);
    for (let round = 0; round < 3; round += 1) {
      const current = await getTask(a, task.id);
      const suggestion = await suggest(a, agent.key, {
        taskId: task.id,
        kind: 'task.update',
        payload: { title: `Round ${round}` },
      });
      const since = await a.lastSeq();
      const responses = await Promise.all([
        decide(a, approver.token, suggestion.id, { decision: 'approve', revision: 1 }),
        decide(b, second.token, suggestion.id, { decision: 'approve', revision: 1 }),
      ]);
      expect(statuses(responses)).toEqual([200, 200]);
      const final = await getSuggestion(b, suggestion.id);
      expect(final.status).toBe('approved');
      expect(final.approvals.map((approval) => approval.userId).sort()).toEqual([approver.id, second.id].sort());
      expect(actions(await a.auditAfter(since))).toEqual([
        'suggestion.approval_added',
        'suggestion.approved',
        'task.updated',
      ]);
      expect(await getTask(b, task.id)).toMatchObject({ title: `Round ${round}`, version: current.version + 1 });
    }
  });

  it('a long-poll on one node hears a decision taken on the other', async () => {
    const { workflowId, agent, approver } = await hitlSetup(a);
    const suggestion = await suggest(a, agent.key, { workflowId, kind: 'custom' });
    const started = Date.now();
    const [answer] = await Promise.all([
      b.http.get(`/api/suggestions/${suggestion.id}`).query({ wait: 20 }).set(bearer(agent.key)),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() =>
        decide(a, approver.token, suggestion.id, { decision: 'approve', revision: 1, note: 'go' }).expect(200),
      ),
    ]);
    expect(answer.body).toMatchObject({ status: 'approved', decisionNote: 'go' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('with the scheduler on both nodes, each suggestion is escalated and expires exactly once', async () => {
    const { workflowId, agent, approver } = await hitlSetup(a, { suggestionTtlSeconds: 10 });
    const posted = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        suggest(a, agent.key, { workflowId, kind: 'custom', action: `#${index}` }),
      ),
    );
    for (const suggestion of posted) {
      expect(Date.parse(suggestion.expiresAt!) - Date.parse(suggestion.createdAt)).toBe(10_000);
    }
    const decided = await suggest(a, agent.key, { workflowId, kind: 'custom', action: 'decided in time' });
    await decide(a, approver.token, decided.id, { decision: 'approve', revision: 1 }).expect(200);
    const since = await a.lastSeq();
    const overdue = posted.slice(0, 3).map((suggestion) => suggestion.id);
    const halfway = posted.slice(3).map((suggestion) => suggestion.id);
    // Age the rows instead of sleeping through the TTL: overdue ones are past it, the others past its half.
    await a.sql(
      `update suggestions set created_at = now() - interval '11 seconds', expires_at = now() - interval '1 second'
        where id = any($1) or id = $2`,
      [overdue, decided.id],
    );
    await a.sql(
      `update suggestions set created_at = now() - interval '6 seconds', expires_at = now() + interval '4 seconds'
        where id = any($1)`,
      [halfway],
    );
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const [{ pending }] = await a.sql<{ pending: string }>(
        `select count(*) as pending from suggestions where id = any($1) and status = 'pending'`,
        [[...overdue, ...halfway]],
      );
      if (Number(pending) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // One more tick on each node must find nothing left to do.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const audit = await a.auditAfter(since);
    const count = (action: string, id: string) =>
      audit.filter((entry) => entry.action === action && entry.entityId === id).length;
    for (const id of overdue) {
      expect([count('suggestion.expired', id), count('suggestion.escalated', id)]).toEqual([1, 0]);
    }
    for (const id of halfway) {
      expect([count('suggestion.expired', id), count('suggestion.escalated', id)]).toEqual([1, 1]);
    }
    expect(audit).toHaveLength(overdue.length + 2 * halfway.length);
    expect(audit.every((entry) => entry.actor.type === 'system')).toBe(true);
    expect(audit[0]).toMatchObject({ onBehalfOf: 'policy:suggestionTtlSeconds' });
    expect((await getSuggestion(b, decided.id)).status).toBe('approved');
    for (const id of [...overdue, ...halfway]) {
      expect(await getSuggestion(b, id)).toMatchObject({ status: 'expired', approvals: [] });
    }
    const late = await decide(b, approver.token, overdue[0], { decision: 'approve', revision: 1 }).expect(409);
    expect(late.body.details).toMatchObject({ status: 'expired' });
  });
});
