import type { Task } from '@tandem/shared';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import { actions, taskRequests } from './tasks-helpers';

describe('tasks', () => {
  let t: TestApp;
  let member: { token: string; id: string };
  let viewer: { token: string; id: string };

  beforeAll(async () => {
    t = await startTestApp();
    member = await t.user('member');
    viewer = await t.user('viewer');
  });
  afterAll(() => t.close());

  const { create, created, move } = taskRequests(
    () => t,
    () => member.token,
  );
  const board = async (workflowId: string) =>
    (
      (await t.http.get(`/api/workflows/${workflowId}/tasks`).set(bearer(viewer.token)).expect(200)).body as {
        items: Task[];
        nextCursor: null;
      }
    ).items;
  const titles = (tasks: Task[]) => tasks.map((task) => task.title);

  it('creates tasks at the end of their column and lists the board in column, then rank order', async () => {
    const workflow = await t.workflow();
    const since = await t.lastSeq();
    const first = await created(workflow.id, { title: 'first', labels: ['a'], priority: 'high' });
    await created(workflow.id, { title: 'review me', status: 'review' });
    await created(workflow.id, { title: 'second' });
    const running = await created(workflow.id, {
      title: 'running',
      status: 'in_progress',
      dueDate: '2030-01-02T03:04:05.000Z',
    });

    expect(first).toMatchObject({
      workflowId: workflow.id,
      title: 'first',
      status: 'pending',
      priority: 'high',
      labels: ['a'],
      createdBy: member.id,
      pendingSuggestions: 0,
      startedAt: null,
      claimedBy: null,
      version: 1,
    });
    expect(running.startedAt).not.toBeNull();
    expect(running.dueDate).toBe('2030-01-02T03:04:05.000Z');

    const response = await t.http.get(`/api/workflows/${workflow.id}/tasks`).set(bearer(viewer.token)).expect(200);
    expect(response.body.nextCursor).toBeNull();
    expect(titles(response.body.items)).toEqual(['first', 'second', 'running', 'review me']);

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['task.created', 'task.created', 'task.created', 'task.created']);
    expect(audit[0]).toMatchObject({
      actor: { type: 'human', id: member.id },
      entityType: 'task',
      entityId: first.id,
      workflowId: workflow.id,
      changes: { title: [null, 'first'], status: [null, 'pending'], labels: [null, ['a']] },
      data: { id: first.id, title: 'first', version: 1 },
    });
  });

  it('reads and updates a task with its version; a stale version gets 409 with the current task', async () => {
    const workflow = await t.workflow();
    const task = await created(workflow.id, { title: 'draft' });
    const since = await t.lastSeq();

    await t.http.get(`/api/tasks/${task.id}`).set(bearer(viewer.token)).expect(200);
    const updated = await t.http
      .patch(`/api/tasks/${task.id}`)
      .set(bearer(member.token))
      .send({ title: 'final', assigneeUserId: member.id, dueDate: null, version: 1 })
      .expect(200);
    expect(updated.body).toMatchObject({ title: 'final', assigneeUserId: member.id, updatedBy: member.id, version: 2 });

    const stale = await t.http
      .patch(`/api/tasks/${task.id}`)
      .set(bearer(member.token))
      .send({ title: 'lost', version: 1 })
      .expect(409);
    expect(stale.body).toMatchObject({ code: 'version_conflict', current: { title: 'final', version: 2 } });

    // Nothing really changed: success, no audit entry, same version.
    const same = await t.http
      .patch(`/api/tasks/${task.id}`)
      .set(bearer(member.token))
      .send({ title: 'final', version: 2 })
      .expect(200);
    expect(same.body.version).toBe(2);

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['task.updated']);
    expect(audit[0].changes).toEqual({ title: ['draft', 'final'], assigneeUserId: [null, member.id] });
    expect(audit[0].data).toEqual(updated.body);
  });

  it('writes awkward text, labels and dates exactly as sent, and reads back what it answered', async () => {
    const workflow = await t.workflow();
    const task = await created(workflow.id, { title: 'plain' });
    const awkward = {
      title: `O'Brien's "?" \\ $1 ?? -- ; drop table tasks; 😀`,
      description: "line one\nline two: it's ?",
      labels: ["it's", '?', '{a,b}', '"quoted"'],
      dueDate: '2031-02-03T04:05:06.789Z',
    };
    const updated = await t.http
      .patch(`/api/tasks/${task.id}`)
      .set(bearer(member.token))
      .send({ ...awkward, version: 1 })
      .expect(200);
    expect(updated.body).toMatchObject({ ...awkward, version: 2 });
    expect(Date.parse((updated.body as Task).updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.updatedAt));
    const read = await t.http.get(`/api/tasks/${task.id}`).set(bearer(viewer.token)).expect(200);
    expect(read.body).toEqual(updated.body);
    const moved = await move(updated.body as Task, { status: 'completed' }).expect(200);
    expect(moved.body).toMatchObject({ ...awkward, status: 'completed', version: 3 });
    expect((await t.http.get(`/api/tasks/${task.id}`).set(bearer(viewer.token)).expect(200)).body).toEqual(moved.body);
  });

  it('refuses bad input with 400 and changes nothing', async () => {
    const workflow = await t.workflow();
    const task = await created(workflow.id, { title: 'x' });
    const since = await t.lastSeq();

    const unknown = await create(workflow.id, { title: 'x', rank: 'a0' }).expect(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'rank' })]);
    const wrongType = await create(workflow.id, { title: 5, priority: 'urgent' }).expect(400);
    expect(wrongType.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'priority',
      'title',
    ]);
    await create(workflow.id, { title: 'x', startedAt: '2020-01-01T00:00:00Z' }).expect(400);
    await create(workflow.id, { title: 'x', agentId: '0190a0a0-0000-7000-8000-000000000000' }).expect(400);
    await t.http.get('/api/tasks/not-a-uuid').set(bearer(viewer.token)).expect(400);
    await t.http.post('/api/workflows/nope/tasks').set(bearer(member.token)).send({ title: 'x' }).expect(400);
    await t.http.get('/api/tasks/0190a0a0-0000-7000-8000-000000000000').set(bearer(viewer.token)).expect(404);
    await t.http
      .patch(`/api/tasks/${task.id}`)
      .set(bearer(member.token))
      .send({ title: 'y', version: 'one' })
      .expect(400);
    await t.http
      .patch(`/api/tasks/${task.id}`)
      .set(bearer(member.token))
      .send({ status: 'review', version: 1 })
      .expect(400);
    await move(task, { status: 'done' }).expect(400);

    expect(await t.auditAfter(since)).toEqual([]);
  });

  it('enforces roles and agent assignment, auditing refusals', async () => {
    const workflow = await t.workflow();
    const other = await t.workflow();
    const task = await created(workflow.id, { title: 'x' });
    const outsider = await t.agent([other.id]);
    const since = await t.lastSeq();

    await t.http.get(`/api/workflows/${workflow.id}/tasks`).expect(401);
    await t.http.post(`/api/tasks/${task.id}/move`).send({ status: 'review', version: 1 }).expect(401);
    const denied = await create(workflow.id, { title: 'nope' }, viewer.token).expect(403);
    expect(denied.body.code).toBe('forbidden');
    await move(task, { status: 'review' }, viewer.token).expect(403);
    await t.http.get(`/api/workflows/${workflow.id}/tasks`).set(bearer(outsider.key)).expect(403);
    await t.http.get(`/api/tasks/${task.id}`).set(bearer(outsider.key)).expect(403);
    await create(workflow.id, { title: 'nope' }, outsider.key).expect(403);
    await move(task, { status: 'review' }, outsider.key).expect(403);

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(new Array(6).fill('access.denied'));
    expect(audit.every((entry) => entry.outcome === 'denied')).toBe(true);
    expect(audit[2]).toMatchObject({ actor: { type: 'agent', id: outsider.id }, workflowId: workflow.id });
    expect((await board(workflow.id)).map((row) => [row.title, row.status, row.version])).toEqual([
      ['x', 'pending', 1],
    ]);
  });

  it('lets an assigned agent create, move and read tasks', async () => {
    const workflow = await t.workflow();
    const agent = await t.agent([workflow.id]);
    const since = await t.lastSeq();
    const task = (await create(workflow.id, { title: 'by agent', agentId: agent.id }, agent.key).expect(201))
      .body as Task;
    expect(task).toMatchObject({ agentId: agent.id, createdBy: agent.id });
    await move(task, { status: 'in_progress' }, agent.key).expect(200);
    await t.http.get(`/api/workflows/${workflow.id}/tasks`).set(bearer(agent.key)).expect(200);
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['task.created', 'task.moved']);
    expect(audit[1].actor).toMatchObject({ type: 'agent', id: agent.id });
  });

  it('moves between neighbours by rank alone, next to a visible neighbour among hidden cards', async () => {
    const workflow = await t.workflow();
    const [a, b, c] = [await created(workflow.id, { title: 'a' }), await created(workflow.id, { title: 'b' })].concat(
      await created(workflow.id, { title: 'c' }),
    );
    const x = await created(workflow.id, { title: 'x', status: 'review' });
    const ranksBefore = new Map((await board(workflow.id)).map((task) => [task.id, task.rank]));
    const since = await t.lastSeq();

    // Between a and b.
    const between = await move(x, { status: 'pending', beforeId: a.id, afterId: b.id }).expect(200);
    expect(titles((await board(workflow.id)).filter((task) => task.status === 'pending'))).toEqual([
      'a',
      'x',
      'b',
      'c',
    ]);
    // Only below a (as a filtered view that hides b would send it): right below a, above b.
    let current = between.body as Task;
    current = (await move(current, { status: 'review' }).expect(200)).body as Task;
    current = (await move(current, { status: 'pending', beforeId: a.id }).expect(200)).body as Task;
    expect(titles((await board(workflow.id)).filter((task) => task.status === 'pending'))).toEqual([
      'a',
      'x',
      'b',
      'c',
    ]);
    // Only above c (b hidden): right above c, below b.
    current = (await move(current, { status: 'pending', afterId: c.id }).expect(200)).body as Task;
    expect(titles((await board(workflow.id)).filter((task) => task.status === 'pending'))).toEqual([
      'a',
      'b',
      'x',
      'c',
    ]);
    // No neighbour: end of column.
    current = (await move(current, { status: 'pending' }).expect(200)).body as Task;
    expect(titles((await board(workflow.id)).filter((task) => task.status === 'pending'))).toEqual([
      'a',
      'b',
      'c',
      'x',
    ]);
    // Onto the same place: success, no audit entry, no new version.
    const same = await move(current, { status: 'pending', beforeId: c.id }).expect(200);
    expect(same.body.version).toBe(current.version);

    const after = await board(workflow.id);
    for (const task of after.filter((row) => row.id !== x.id)) expect(task.rank).toBe(ranksBefore.get(task.id));
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['task.moved', 'task.moved', 'task.moved', 'task.moved', 'task.moved']);
    expect(audit[0]).toMatchObject({
      entityId: x.id,
      changes: { status: ['review', 'pending'], rank: [x.rank, between.body.rank] },
      context: { beforeId: a.id, afterId: b.id },
      data: { id: x.id, status: 'pending', rank: between.body.rank },
    });
  });

  it('refuses a neighbour in another column, another workflow, deleted, or in the wrong order', async () => {
    const workflow = await t.workflow();
    const other = await t.workflow();
    const a = await created(workflow.id, { title: 'a' });
    const b = await created(workflow.id, { title: 'b' });
    const inReview = await created(workflow.id, { title: 'r', status: 'review' });
    const elsewhere = await created(other.id, { title: 'e' });
    const gone = await created(workflow.id, { title: 'gone' });
    await t.http.delete(`/api/tasks/${gone.id}`).set(bearer(member.token)).send({ version: 1 }).expect(200);
    const x = await created(workflow.id, { title: 'x', status: 'in_progress' });
    const since = await t.lastSeq();

    const column = await move(x, { status: 'pending', beforeId: inReview.id }).expect(400);
    expect(column.body).toMatchObject({ code: 'bad_request', details: { beforeId: inReview.id } });
    await move(x, { status: 'pending', afterId: elsewhere.id }).expect(400);
    await move(x, { status: 'pending', beforeId: gone.id }).expect(400);
    await move(x, { status: 'pending', beforeId: b.id, afterId: a.id }).expect(400);
    await move(x, { status: 'in_progress', beforeId: x.id }).expect(400);

    expect(await t.auditAfter(since)).toEqual([]);
  });

  it('derives startedAt, completedAt and durationSeconds from moves, never from clients', async () => {
    const workflow = await t.workflow();
    let task = await created(workflow.id, { title: 'x' });
    task = (await move(task, { status: 'in_progress' }).expect(200)).body as Task;
    expect(task.startedAt).not.toBeNull();
    await t.sql(`update tasks set started_at = now() - interval '90 seconds' where id = $1`, [task.id]);
    task = (await move(task, { status: 'completed' }).expect(200)).body as Task;
    expect(task.completedAt).not.toBeNull();
    expect(task.durationSeconds).toBeGreaterThanOrEqual(89);
    expect(task.durationSeconds).toBeLessThan(120);
    task = (await move(task, { status: 'review' }).expect(200)).body as Task;
    expect(task).toMatchObject({ completedAt: null, durationSeconds: null });
    expect(task.startedAt).not.toBeNull();
    await t.http
      .patch(`/api/tasks/${task.id}`)
      .set(bearer(member.token))
      .send({ completedAt: '2020-01-01T00:00:00Z', version: task.version })
      .expect(400);
  });

  it('soft-deletes with a version: gone from the board, 404 afterwards, stale version 409', async () => {
    const workflow = await t.workflow();
    const task = await created(workflow.id, { title: 'x' });
    const kept = await created(workflow.id, { title: 'kept' });
    const since = await t.lastSeq();

    await t.http.delete(`/api/tasks/${task.id}?version=first`).set(bearer(member.token)).expect(400);
    const stale = await t.http.delete(`/api/tasks/${task.id}?version=7`).set(bearer(member.token)).expect(409);
    expect(stale.body.current).toMatchObject({ id: task.id, version: 1 });
    await t.http.delete(`/api/tasks/${task.id}`).set(bearer(viewer.token)).send({ version: 1 }).expect(403);
    await t.http.delete(`/api/tasks/${task.id}?version=1`).set(bearer(member.token)).expect(200);
    await t.http.get(`/api/tasks/${task.id}`).set(bearer(viewer.token)).expect(404);
    await t.http.delete(`/api/tasks/${kept.id}`).set(bearer(member.token)).send({ version: 1 }).expect(200);
    expect(await board(workflow.id)).toEqual([]);
    const [row] = await t.sql<{ deleted_at: Date | null }>('select deleted_at from tasks where id = $1', [task.id]);
    expect(row.deleted_at).not.toBeNull();

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['access.denied', 'task.deleted', 'task.deleted']);
    expect(audit[1]).toMatchObject({ entityId: task.id, changes: { deletedAt: [null, expect.any(String)] } });
  });

  it('lets exactly one of two simultaneous moves with the same version win', async () => {
    const workflow = await t.workflow();
    const task = await created(workflow.id, { title: 'contested' });
    const since = await t.lastSeq();
    const responses = await Promise.all([move(task, { status: 'in_progress' }), move(task, { status: 'review' })]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    const loser = responses.find((response) => response.status === 409)!;
    const winner = responses.find((response) => response.status === 200)!;
    expect(loser.body).toMatchObject({ code: 'version_conflict', current: { version: 2, status: winner.body.status } });
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['task.moved']);
  });

  it('gives simultaneous creates in one column distinct ranks', async () => {
    const workflow = await t.workflow();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => create(workflow.id, { title: `t${index}` }).expect(201)),
    );
    const ranks = results.map((response) => (response.body as Task).rank);
    expect(new Set(ranks).size).toBe(8);
    expect((await board(workflow.id)).map((task) => task.rank)).toEqual([...ranks].sort());
  });

  it('counts pending suggestions and comments per task, in reads and in the answers of writes', async () => {
    const workflow = await t.workflow();
    const agent = await t.agent([workflow.id]);
    const task = await created(workflow.id, { title: 'x' });
    for (const [key, status] of [
      ['k1', 'pending'],
      ['k2', 'pending'],
      ['k3', 'rejected'],
    ])
      await t.sql(
        `insert into suggestions (id, created_at, updated_at, version, task_id, workflow_id, agent_id, kind, action,
           reasoning, payload, confidence, status, revision, revisions, idempotency_key, edited, approvals,
           changes_requested, escalated)
         values (gen_random_uuid(), now(), now(), 1, $1, $2, $3, 'custom', 'a', '', '{}', 0.5, $4, 1, '[]', $5,
           false, '[]', false, false)`,
        [task.id, workflow.id, agent.id, status, key],
      );
    await t.http.post(`/api/tasks/${task.id}/comments`).set(bearer(member.token)).send({ body: 'one' }).expect(201);
    const read = await t.http.get(`/api/tasks/${task.id}`).set(bearer(viewer.token)).expect(200);
    expect(read.body).toMatchObject({ pendingSuggestions: 2, commentCount: 1 });
    // A write reads the counts with its row lock: its answer and its event carry them too.
    const moved = await move(read.body as Task, { status: 'in_progress' }).expect(200);
    expect(moved.body).toMatchObject({ pendingSuggestions: 2, commentCount: 1, version: 2 });
    const edited = await t.http
      .patch(`/api/tasks/${task.id}`)
      .set(bearer(member.token))
      .send({ title: 'y', version: 2 })
      .expect(200);
    expect(edited.body).toMatchObject({ pendingSuggestions: 2, commentCount: 1, version: 3 });
  });
});
