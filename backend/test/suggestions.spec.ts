import type { Comment, Suggestion, Task } from '@tandem/shared';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import {
  actions,
  createTask,
  decide,
  getSuggestion,
  getTask,
  hitlSetup,
  postSuggestion,
  suggest,
} from './suggestions-helpers';

describe('suggestions: kinds and decisions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('posts a task.update and applies it on approval, with both audit entries linked', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const task = await createTask(t, workflowId);
    const since = await t.lastSeq();
    const posted = await postSuggestion(t, agent.key, {
      taskId: task.id,
      kind: 'task.update',
      action: 'Raise the priority',
      reasoning: 'The deadline moved up',
      payload: { priority: 'high', labels: ['urgent'] },
      confidence: 0.7,
    }).expect(201);
    const suggestion = posted.body as Suggestion;
    expect(suggestion).toMatchObject({
      status: 'pending',
      kind: 'task.update',
      taskId: task.id,
      workflowId,
      agentId: agent.id,
      revision: 1,
      taskVersion: task.version,
      edited: false,
      approvals: [],
    });
    expect(suggestion.revisions).toHaveLength(1);

    const approved = await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedBy: approver.id,
      approvals: [{ userId: approver.id }],
    });
    expect(await getTask(t, task.id)).toMatchObject({
      priority: 'high',
      labels: ['urgent'],
      version: task.version + 1,
    });

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['suggestion.created', 'suggestion.approved', 'task.updated']);
    expect(audit[0]).toMatchObject({ actor: { type: 'agent', id: agent.id }, entityId: suggestion.id, workflowId });
    expect(audit[1]).toMatchObject({
      actor: { type: 'human', id: approver.id },
      changes: { status: ['pending', 'approved'] },
      context: {
        revision: 1,
        taskVersionSeen: task.version,
        payloadSeen: { priority: 'high', labels: ['urgent'] },
        policy: { requiredApprovals: 1 },
      },
      data: { id: suggestion.id, status: 'approved' },
    });
    expect(typeof audit[1].context.timeToDecisionMs).toBe('number');
    expect(audit[2]).toMatchObject({
      entityId: task.id,
      context: { suggestionId: suggestion.id },
      changes: { priority: ['medium', 'high'] },
    });
  });

  it('applies an approver’s edited payload and records the original and the edit', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const task = await createTask(t, workflowId);
    const suggestion = await suggest(t, agent.key, {
      taskId: task.id,
      kind: 'task.update',
      payload: { title: 'Agent title' },
    });
    const since = await t.lastSeq();
    const response = await decide(t, approver.token, suggestion.id, {
      decision: 'approve',
      revision: 1,
      payload: { title: 'Human title' },
      note: 'better wording',
    }).expect(200);
    expect(response.body).toMatchObject({ status: 'approved', edited: true, payload: { title: 'Human title' } });
    expect((await getTask(t, task.id)).title).toBe('Human title');
    const audit = await t.auditAfter(since);
    // The edit is a revision of its own (issue 11: a quorum approves one exact payload), then approved.
    expect(actions(audit)).toEqual(['suggestion.revised', 'suggestion.approved', 'task.updated']);
    expect(audit[0].changes).toMatchObject({
      payload: [{ title: 'Agent title' }, { title: 'Human title' }],
      edited: [false, true],
    });
    expect(audit[0].context).toMatchObject({
      originalPayload: { title: 'Agent title' },
      editedPayload: { title: 'Human title' },
    });
  });

  it('refuses an edited payload with unknown fields (400) and changes nothing', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const task = await createTask(t, workflowId);
    const suggestion = await suggest(t, agent.key, { taskId: task.id, kind: 'task.update', payload: { title: 'x' } });
    const since = await t.lastSeq();
    const response = await decide(t, approver.token, suggestion.id, {
      decision: 'approve',
      revision: 1,
      payload: { title: 'y', colour: 'red' },
    }).expect(400);
    expect(response.body.details).toEqual([{ field: 'payload.colour', errors: [expect.any(String)] }]);
    expect((await getSuggestion(t, suggestion.id)).status).toBe('pending');
    expect(await t.auditAfter(since)).toEqual([]);
  });

  it('applies task.move, task.create and comment suggestions on approval', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const first = await createTask(t, workflowId, 'first');
    const second = await createTask(t, workflowId, 'second');
    const move = await suggest(t, agent.key, {
      taskId: second.id,
      kind: 'task.move',
      payload: { status: 'in_progress' },
    });
    const create = await suggest(t, agent.key, {
      workflowId,
      kind: 'task.create',
      payload: { title: 'Proposed by the agent', priority: 'low' },
    });
    const comment = await suggest(t, agent.key, {
      taskId: first.id,
      kind: 'comment',
      payload: { body: 'I think this is **done**' },
    });
    const since = await t.lastSeq();
    for (const suggestion of [move, create, comment]) {
      await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(200);
    }
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual([
      'suggestion.approved',
      'task.moved',
      'suggestion.approved',
      'task.created',
      'suggestion.approved',
      'comment.added',
    ]);
    expect(audit[1].context).toMatchObject({ suggestionId: move.id });
    expect(audit[3].context).toMatchObject({ suggestionId: create.id });
    expect(audit[5].context).toMatchObject({ suggestionId: comment.id });

    expect((await getTask(t, second.id)).status).toBe('in_progress');
    const board = await t.http.get(`/api/workflows/${workflowId}/tasks`).set(bearer(t.adminToken)).expect(200);
    const created = (board.body.items as Task[]).find((task) => task.title === 'Proposed by the agent');
    expect(created).toMatchObject({ priority: 'low', status: 'pending' });
    expect(audit[3].entityId).toBe(created!.id);
    const comments = await t.http.get(`/api/tasks/${first.id}/comments`).set(bearer(t.adminToken)).expect(200);
    expect(comments.body.items as Comment[]).toEqual([
      expect.objectContaining({
        body: 'I think this is **done**',
        author: expect.objectContaining({ type: 'agent', id: agent.id }),
      }),
    ]);
  });

  it('approves a custom suggestion without changing anything else', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const suggestion = await suggest(t, agent.key, {
      workflowId,
      kind: 'custom',
      action: 'Send the weekly e-mail',
      payload: { to: ['team@example.com'], anything: { nested: true } },
    });
    expect(suggestion).toMatchObject({ taskId: null, taskVersion: null });
    const since = await t.lastSeq();
    await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(200);
    expect(actions(await t.auditAfter(since))).toEqual(['suggestion.approved']);
  });

  it('rejects with a note; the task stays as it was', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const task = await createTask(t, workflowId);
    const suggestion = await suggest(t, agent.key, { taskId: task.id, kind: 'task.update', payload: { title: 'No' } });
    const since = await t.lastSeq();
    const response = await decide(t, approver.token, suggestion.id, {
      decision: 'reject',
      revision: 1,
      note: 'Keep the title',
    }).expect(200);
    expect(response.body).toMatchObject({ status: 'rejected', decisionNote: 'Keep the title', decidedBy: approver.id });
    expect(await getTask(t, task.id)).toMatchObject({ title: task.title, version: task.version });
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['suggestion.rejected']);
    expect(audit[0].changes).toMatchObject({ status: ['pending', 'rejected'], decisionNote: [null, 'Keep the title'] });
  });

  it('requests changes, takes a revision, refuses the old revision and approves the new one', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const task = await createTask(t, workflowId);
    const other = await t.agent([workflowId]);
    const suggestion = await suggest(t, agent.key, {
      taskId: task.id,
      kind: 'comment',
      payload: { body: 'draft' },
    });
    const since = await t.lastSeq();
    const asked = await decide(t, approver.token, suggestion.id, {
      decision: 'request_changes',
      revision: 1,
      note: 'Say more',
    }).expect(200);
    expect(asked.body).toMatchObject({ status: 'pending', changesRequested: true, decisionNote: 'Say more' });

    // Another agent may not revise it.
    await t.http
      .post(`/api/suggestions/${suggestion.id}/revisions`)
      .set(bearer(other.key))
      .send({ payload: { body: 'hijack' } })
      .expect(403);
    // A revision is validated like the original.
    await t.http
      .post(`/api/suggestions/${suggestion.id}/revisions`)
      .set(bearer(agent.key))
      .send({ payload: { text: 'wrong field' } })
      .expect(400);

    const revised = await t.http
      .post(`/api/suggestions/${suggestion.id}/revisions`)
      .set(bearer(agent.key))
      .send({ payload: { body: 'A fuller comment' }, reasoning: 'as asked' })
      .expect(201);
    expect(revised.body).toMatchObject({ revision: 2, changesRequested: false, decisionNote: null });
    expect((revised.body as Suggestion).revisions.map((r) => [r.revision, r.payload, r.requestNote])).toEqual([
      [1, { body: 'draft' }, null],
      [2, { body: 'A fuller comment' }, 'Say more'],
    ]);

    const stale = await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(409);
    expect(stale.body).toMatchObject({ code: 'stale_revision', current: { revision: 2, status: 'pending' } });

    await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 2 }).expect(200);
    const comments = await t.http.get(`/api/tasks/${task.id}/comments`).set(bearer(t.adminToken)).expect(200);
    expect((comments.body.items as Comment[]).map((comment) => comment.body)).toEqual(['A fuller comment']);

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual([
      'suggestion.changes_requested',
      'access.denied',
      'suggestion.revised',
      'suggestion.approved',
      'comment.added',
    ]);
    expect(audit[2].changes).toMatchObject({
      revision: [1, 2],
      payload: [{ body: 'draft' }, { body: 'A fuller comment' }],
    });
    expect(audit[3].context).toMatchObject({ revision: 2 });
  });

  it('answers a second decision with 409 naming who decided what and when', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const suggestion = await suggest(t, agent.key, { workflowId, kind: 'custom' });
    await decide(t, approver.token, suggestion.id, { decision: 'reject', revision: 1, note: 'no' }).expect(200);
    const other = await t.user('approver');
    const since = await t.lastSeq();
    const response = await decide(t, other.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(409);
    expect(response.body).toMatchObject({
      code: 'already_decided',
      details: { status: 'rejected', decidedBy: approver.id, decisionNote: 'no', decidedAt: expect.any(String) },
      current: { id: suggestion.id, status: 'rejected' },
    });
    expect(await t.auditAfter(since)).toEqual([]);
  });

  it('answers 409 not_applicable when the task changed or was deleted, and leaves the suggestion pending', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const task = await createTask(t, workflowId);
    const update = await suggest(t, agent.key, { taskId: task.id, kind: 'task.update', payload: { title: 'A' } });
    const move = await suggest(t, agent.key, { taskId: task.id, kind: 'task.move', payload: { status: 'review' } });
    const edited = await t.http
      .patch(`/api/tasks/${task.id}`)
      .set(bearer(t.adminToken))
      .send({ description: 'edited meanwhile', version: task.version })
      .expect(200);
    const since = await t.lastSeq();
    const refused = await decide(t, approver.token, update.id, { decision: 'approve', revision: 1 }).expect(409);
    expect(refused.body.code).toBe('not_applicable');
    expect(refused.body.message).toMatch(/changed since/);
    expect(await getSuggestion(t, update.id)).toMatchObject({ status: 'pending', approvals: [] });
    expect(await getTask(t, task.id)).toMatchObject({ title: task.title, version: edited.body.version });

    await t.http
      .delete(`/api/tasks/${task.id}`)
      .query({ version: edited.body.version })
      .set(bearer(t.adminToken))
      .expect((response) => expect([200, 204]).toContain(response.status));
    const deletedSince = await t.lastSeq();
    const gone = await decide(t, approver.token, move.id, { decision: 'approve', revision: 1 }).expect(409);
    expect(gone.body).toMatchObject({ code: 'not_applicable', message: 'The task was deleted' });
    expect((await getSuggestion(t, move.id)).status).toBe('pending');
    expect(await t.auditAfter(since)).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'task.deleted' })]),
    );
    expect(await t.auditAfter(deletedSince)).toEqual([]);
  });

  it('needs n distinct approvers with requiredApprovals = n; one reject decides', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t, { requiredApprovals: 2 });
    const second = await t.user('approver');
    const task = await createTask(t, workflowId);
    const suggestion = await suggest(t, agent.key, {
      taskId: task.id,
      kind: 'task.update',
      payload: { priority: 'low' },
    });
    const since = await t.lastSeq();
    const first = await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(200);
    expect(first.body).toMatchObject({ status: 'pending', approvals: [{ userId: approver.id }] });
    expect((await getTask(t, task.id)).priority).toBe('medium');
    const twice = await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(409);
    expect(twice.body.code).toBe('conflict');
    const done = await decide(t, second.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(200);
    expect(done.body).toMatchObject({ status: 'approved', decidedBy: second.id });
    expect((done.body as Suggestion).approvals.map((a) => a.userId)).toEqual([approver.id, second.id]);
    expect((await getTask(t, task.id)).priority).toBe('low');
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['suggestion.approval_added', 'suggestion.approved', 'task.updated']);
    expect(audit[0].context).toMatchObject({ approvalsNeeded: 2, policy: { requiredApprovals: 2 } });

    const other = await suggest(t, agent.key, { workflowId, kind: 'custom' });
    await decide(t, approver.token, other.id, { decision: 'approve', revision: 1 }).expect(200);
    const rejected = await decide(t, second.token, other.id, { decision: 'reject', revision: 1 }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', approvals: [{ userId: approver.id }] });
  });

  it('separation of duties refuses (403, audited) whoever created or last edited the task', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t, { separationOfDuties: true });
    const creator = await t.user('approver');
    const created = await t.http
      .post(`/api/workflows/${workflowId}/tasks`)
      .set(bearer(creator.token))
      .send({ title: 'mine' })
      .expect(201);
    const suggestion = await suggest(t, agent.key, {
      taskId: created.body.id,
      kind: 'task.update',
      payload: { title: 'z' },
    });
    const since = await t.lastSeq();
    await decide(t, creator.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(403);
    const audit = await t.auditAfter(since);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'access.denied', outcome: 'denied', entityId: suggestion.id }),
    ]);
    await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(200);
  });

  it('auto-approves above the policy’s confidence as the system, and applies typed kinds', async () => {
    const { workflowId, agent } = await hitlSetup(t, { autoApproveAbove: 0.8 });
    const task = await createTask(t, workflowId);
    const since = await t.lastSeq();
    const low = await suggest(t, agent.key, { workflowId, kind: 'custom', confidence: 0.8 });
    expect(low.status).toBe('pending');
    const high = await suggest(t, agent.key, {
      taskId: task.id,
      kind: 'task.update',
      payload: { title: 'Auto' },
      confidence: 0.95,
    });
    expect(high).toMatchObject({ status: 'approved', decidedBy: null, decidedByName: 'system' });
    expect((await getTask(t, task.id)).title).toBe('Auto');
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['suggestion.created', 'suggestion.created', 'suggestion.approved', 'task.updated']);
    expect(audit[2]).toMatchObject({
      actor: { type: 'system', id: null },
      onBehalfOf: 'policy:autoApproveAbove',
      context: { policy: { autoApproveAbove: 0.8 } },
    });
    expect(audit[3]).toMatchObject({ actor: { type: 'system' }, context: { suggestionId: high.id } });
  });

  it('lets the owning agent withdraw a pending suggestion; then decisions get 409', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const suggestion = await suggest(t, agent.key, { workflowId, kind: 'custom' });
    const since = await t.lastSeq();
    const response = await t.http.post(`/api/suggestions/${suggestion.id}/withdraw`).set(bearer(agent.key)).expect(200);
    expect(response.body).toMatchObject({ status: 'withdrawn', decidedBy: agent.id });
    await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(409);
    await t.http.post(`/api/suggestions/${suggestion.id}/withdraw`).set(bearer(agent.key)).expect(409);
    expect(actions(await t.auditAfter(since))).toEqual(['suggestion.withdrawn']);
  });
});

describe('suggestions: posting, reading and permissions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('needs an Idempotency-Key and returns the first suggestion on a retry (200, one row)', async () => {
    const { workflowId, agent } = await hitlSetup(t);
    const body = { workflowId, kind: 'custom', action: 'Ping', confidence: 0.4 };
    const since = await t.lastSeq();
    const missing = await t.http.post('/api/suggestions').set(bearer(agent.key)).send(body).expect(400);
    expect(missing.body.details).toEqual([{ field: 'Idempotency-Key', errors: [expect.any(String)] }]);
    const first = await postSuggestion(t, agent.key, body, 'key-1').expect(201);
    const retry = await postSuggestion(t, agent.key, body, 'key-1').expect(200);
    expect(retry.body).toEqual(first.body);
    // The key is per agent: another agent's same key is its own suggestion.
    const other = await t.agent([workflowId]);
    await postSuggestion(t, other.key, body, 'key-1').expect(201);
    const rows = await t.sql('select agent_id from suggestions where idempotency_key = $1', ['key-1']);
    expect(rows).toHaveLength(2);
    expect(actions(await t.auditAfter(since))).toEqual([
      'suggestion.created',
      'agent.registered',
      'workflow.agents_assigned',
      'suggestion.created',
    ]);
  });

  it('keeps one row when retries with the same key race', async () => {
    const { workflowId, agent } = await hitlSetup(t);
    const body = { workflowId, kind: 'custom', action: 'Race', confidence: 0.4 };
    const since = await t.lastSeq();
    const responses = await Promise.all(Array.from({ length: 10 }, () => postSuggestion(t, agent.key, body, 'race')));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => (r.body as Suggestion).id)).size).toBe(1);
    expect(await t.sql('select id from suggestions where agent_id = $1', [agent.id])).toHaveLength(1);
    expect(actions(await t.auditAfter(since))).toEqual(['suggestion.created']);
  });

  it('validates typed payloads when posted', async () => {
    const { workflowId, agent } = await hitlSetup(t);
    const task = await createTask(t, workflowId);
    const since = await t.lastSeq();
    const unknown = await postSuggestion(t, agent.key, {
      taskId: task.id,
      kind: 'task.update',
      action: 'x',
      confidence: 0.5,
      payload: { title: 'ok', status: 'completed', owner: 'me' },
    }).expect(400);
    expect((unknown.body.details as Array<{ field: string }>).map((d) => d.field).sort()).toEqual([
      'payload.owner',
      'payload.status',
    ]);
    const badMove = await postSuggestion(t, agent.key, {
      taskId: task.id,
      kind: 'task.move',
      action: 'x',
      confidence: 0.5,
      payload: { status: 'nowhere', beforeId: 'nope' },
    }).expect(400);
    expect((badMove.body.details as Array<{ field: string }>).map((d) => d.field).sort()).toEqual([
      'payload.beforeId',
      'payload.status',
    ]);
    await postSuggestion(t, agent.key, {
      kind: 'task.update',
      action: 'x',
      confidence: 0.5,
      payload: { title: 'a' },
    }).expect(400);
    await postSuggestion(t, agent.key, {
      workflowId,
      kind: 'comment',
      action: 'x',
      confidence: 0.5,
      payload: {},
    }).expect(400);
    await postSuggestion(t, agent.key, { workflowId, kind: 'custom', action: 'x', confidence: 2 }).expect(400);
    await postSuggestion(t, agent.key, { workflowId, kind: 'custom', action: 'x', confidence: 0.5, extra: 1 }).expect(
      400,
    );
    await postSuggestion(t, agent.key, { workflowId, kind: 'nope', action: 'x', confidence: 0.5 }).expect(400);
    expect(await t.auditAfter(since)).toEqual([]);
    expect(await t.sql('select id from suggestions where agent_id = $1', [agent.id])).toHaveLength(0);
  });

  it('refuses humans posting, agents deciding or acting outside their workflows, with audited 403s', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const member = await t.user('member');
    const outsider = await t.agent([]);
    const since = await t.lastSeq();
    await postSuggestion(t, approver.token, { workflowId, kind: 'custom', action: 'x', confidence: 0.5 }).expect(403);
    await postSuggestion(t, outsider.key, { workflowId, kind: 'custom', action: 'x', confidence: 0.5 }).expect(403);
    const suggestion = await suggest(t, agent.key, { workflowId, kind: 'custom' });
    await decide(t, agent.key, suggestion.id, { decision: 'approve', revision: 1 }).expect(403);
    await decide(t, member.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(403);
    await t.http.get(`/api/suggestions/${suggestion.id}`).set(bearer(outsider.key)).expect(403);
    await t.http.get('/api/suggestions').expect(401);
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual([
      'access.denied',
      'access.denied',
      'suggestion.created',
      'access.denied',
      'access.denied',
      'access.denied',
    ]);
    expect((await getSuggestion(t, suggestion.id)).status).toBe('pending');
  });

  it('lists the queue oldest first with filters and cursor paging; agents see only their own', async () => {
    const { workflowId, agent } = await hitlSetup(t);
    const other = await t.agent([workflowId]);
    const task = await createTask(t, workflowId);
    const a = await suggest(t, agent.key, { workflowId, kind: 'custom', action: 'a' });
    const b = await suggest(t, agent.key, { taskId: task.id, kind: 'comment', action: 'b', payload: { body: 'hi' } });
    const c = await suggest(t, other.key, { workflowId, kind: 'custom', action: 'c' });
    const viewer = await t.user('viewer');
    const all = await t.http.get('/api/suggestions').query({ workflowId }).set(bearer(viewer.token)).expect(200);
    expect((all.body.items as Suggestion[]).map((s) => s.id)).toEqual([a.id, b.id, c.id]);
    const page1 = await t.http
      .get('/api/suggestions')
      .query({ workflowId, limit: 2 })
      .set(bearer(viewer.token))
      .expect(200);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await t.http
      .get('/api/suggestions')
      .query({ workflowId, limit: 2, cursor: page1.body.nextCursor })
      .set(bearer(viewer.token))
      .expect(200);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ id: c.id })], nextCursor: null });
    const byTask = await t.http
      .get('/api/suggestions')
      .query({ taskId: task.id })
      .set(bearer(viewer.token))
      .expect(200);
    expect((byTask.body.items as Suggestion[]).map((s) => s.id)).toEqual([b.id]);
    const own = await t.http.get('/api/suggestions').query({ workflowId }).set(bearer(other.key)).expect(200);
    expect((own.body.items as Suggestion[]).map((s) => s.id)).toEqual([c.id]);
    const foreign = await t.http
      .get('/api/suggestions')
      .query({ agentId: agent.id })
      .set(bearer(other.key))
      .expect(200);
    expect(foreign.body.items).toEqual([]);
    await t.http.get('/api/suggestions').query({ status: 'maybe' }).set(bearer(viewer.token)).expect(400);
    await t.http.get('/api/suggestions/not-a-uuid').set(bearer(viewer.token)).expect(400);
  });

  it('long-polls: answers when decided, or with the pending state after the wait', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const suggestion = await suggest(t, agent.key, { workflowId, kind: 'custom' });
    const started = Date.now();
    const waited = await t.http
      .get(`/api/suggestions/${suggestion.id}`)
      .query({ wait: 1 })
      .set(bearer(agent.key))
      .expect(200);
    expect(waited.body.status).toBe('pending');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const poll = t.http.get(`/api/suggestions/${suggestion.id}`).query({ wait: 20 }).set(bearer(agent.key));
    const pollStarted = Date.now();
    const [answer] = await Promise.all([
      poll,
      new Promise((resolve) => setTimeout(resolve, 300)).then(() =>
        decide(t, approver.token, suggestion.id, { decision: 'reject', revision: 1, note: 'not now' }).expect(200),
      ),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'rejected', decisionNote: 'not now' });
    expect(Date.now() - pollStarted).toBeLessThan(5000);
    // Not pending: answers at once.
    const instant = Date.now();
    await t.http.get(`/api/suggestions/${suggestion.id}`).query({ wait: 30 }).set(bearer(agent.key)).expect(200);
    expect(Date.now() - instant).toBeLessThan(1000);
    await t.http.get(`/api/suggestions/${suggestion.id}`).query({ wait: 61 }).set(bearer(agent.key)).expect(400);
  });
});
