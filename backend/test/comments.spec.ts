import type { AuditEntry, Comment, Task } from '@tandem/shared';
import { bearer, startTestApp, type TestApp } from './support/test-app';

describe('comments', () => {
  let t: TestApp;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };
  let viewer: { token: string; id: string };

  beforeAll(async () => {
    t = await startTestApp();
    alice = await t.user('member', 'Alice');
    bob = await t.user('member', 'Bob');
    viewer = await t.user('viewer');
  });
  afterAll(() => t.close());

  const newTask = async (workflowId: string) =>
    (
      await t.http
        .post(`/api/workflows/${workflowId}/tasks`)
        .set(bearer(alice.token))
        .send({ title: 'discuss me' })
        .expect(201)
    ).body as Task;
  const comment = (taskId: string, body: Record<string, unknown>, token = alice.token) =>
    t.http.post(`/api/tasks/${taskId}/comments`).set(bearer(token)).send(body);
  const list = async (taskId: string) =>
    (
      (await t.http.get(`/api/tasks/${taskId}/comments`).set(bearer(viewer.token)).expect(200)).body as {
        items: Comment[];
        nextCursor: null;
      }
    ).items;
  const actions = (entries: AuditEntry[]) => entries.map((entry) => entry.action);

  it('adds comments and replies, listed flat and oldest first with their parents', async () => {
    const workflow = await t.workflow();
    const agent = await t.agent([workflow.id], 'helper-bot');
    const task = await newTask(workflow.id);
    const since = await t.lastSeq();

    const root = (await comment(task.id, { body: '**Looks** good <img src=x onerror=alert(1)>' }).expect(201))
      .body as Comment;
    expect(root).toMatchObject({
      taskId: task.id,
      workflowId: workflow.id,
      author: { type: 'human', id: alice.id, name: 'Alice' },
      body: '**Looks** good <img src=x onerror=alert(1)>',
      parentId: null,
      editedAt: null,
      deletedAt: null,
      version: 1,
    });
    const reply = (await comment(task.id, { body: 'agreed', parentId: root.id }, agent.key).expect(201))
      .body as Comment;
    expect(reply).toMatchObject({ parentId: root.id, author: { type: 'agent', id: agent.id, name: 'helper-bot' } });
    await comment(task.id, { body: 'me too', parentId: reply.id }, bob.token).expect(201);

    const items = await list(task.id);
    expect(items.map((item) => [item.body.slice(0, 9), item.parentId])).toEqual([
      ['**Looks**', null],
      ['agreed', root.id],
      ['me too', reply.id],
    ]);

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['comment.added', 'comment.added', 'comment.added']);
    expect(audit[0]).toMatchObject({
      entityType: 'comment',
      entityId: root.id,
      workflowId: workflow.id,
      changes: { body: [null, root.body], parentId: [null, null] },
      context: { taskId: task.id },
      data: root,
    });
    expect(audit[1].actor).toMatchObject({ type: 'agent', id: agent.id });
  });

  it('lets only the author edit and delete; a delete leaves a tombstone in the thread', async () => {
    const workflow = await t.workflow();
    const task = await newTask(workflow.id);
    const root = (await comment(task.id, { body: 'first draft' }).expect(201)).body as Comment;
    const reply = (await comment(task.id, { body: 'reply', parentId: root.id }, bob.token).expect(201)).body as Comment;
    const since = await t.lastSeq();

    const edited = await t.http
      .patch(`/api/comments/${root.id}`)
      .set(bearer(alice.token))
      .send({ body: 'second draft', version: 1 })
      .expect(200);
    expect(edited.body).toMatchObject({ body: 'second draft', version: 2 });
    expect(edited.body.editedAt).not.toBeNull();
    const stale = await t.http
      .patch(`/api/comments/${root.id}`)
      .set(bearer(alice.token))
      .send({ body: 'third', version: 1 })
      .expect(409);
    expect(stale.body.current).toMatchObject({ body: 'second draft', version: 2 });

    const notYours = await t.http
      .patch(`/api/comments/${root.id}`)
      .set(bearer(bob.token))
      .send({ body: 'hijacked' })
      .expect(403);
    expect(notYours.body.code).toBe('forbidden');
    await t.http.delete(`/api/comments/${root.id}`).set(bearer(bob.token)).expect(403);
    await t.http.delete(`/api/comments/${root.id}`).set(bearer(t.adminToken)).expect(403);

    const deleted = await t.http.delete(`/api/comments/${root.id}`).set(bearer(alice.token)).expect(200);
    expect(deleted.body).toMatchObject({ id: root.id, body: '' });
    expect(deleted.body.deletedAt).not.toBeNull();
    await t.http.delete(`/api/comments/${root.id}`).set(bearer(alice.token)).expect(200);
    await t.http.patch(`/api/comments/${root.id}`).set(bearer(alice.token)).send({ body: 'back' }).expect(409);

    const items = await list(task.id);
    expect(items.map((item) => [item.id, item.body, item.parentId])).toEqual([
      [root.id, '', null],
      [reply.id, 'reply', root.id],
    ]);
    const [row] = await t.sql<{ body: string }>('select body from comments where id = $1', [root.id]);
    expect(row.body).toBe('');

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual([
      'comment.edited',
      'access.denied',
      'access.denied',
      'access.denied',
      'comment.deleted',
    ]);
    expect(audit[0].changes).toEqual({ body: ['first draft', 'second draft'] });
    expect(audit[1]).toMatchObject({
      outcome: 'denied',
      actor: { id: bob.id },
      entityType: 'comment',
      entityId: root.id,
    });
    expect(audit[4]).toMatchObject({
      changes: { body: ['second draft', ''], deletedAt: [null, deleted.body.deletedAt] },
      data: deleted.body,
    });
  });

  it('enforces roles and agent assignment', async () => {
    const workflow = await t.workflow();
    const outsider = await t.agent([]);
    const task = await newTask(workflow.id);
    const mine = (await comment(task.id, { body: 'hello' }).expect(201)).body as Comment;
    const since = await t.lastSeq();

    await t.http.get(`/api/tasks/${task.id}/comments`).expect(401);
    await comment(task.id, { body: 'hi' }, viewer.token).expect(403);
    await comment(task.id, { body: 'hi' }, outsider.key).expect(403);
    await t.http.get(`/api/tasks/${task.id}/comments`).set(bearer(outsider.key)).expect(403);
    await t.http.patch(`/api/comments/${mine.id}`).set(bearer(viewer.token)).send({ body: 'x' }).expect(403);

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['access.denied', 'access.denied', 'access.denied', 'access.denied']);
    expect(await list(task.id)).toHaveLength(1);
  });

  it('refuses bad input and changes nothing', async () => {
    const workflow = await t.workflow();
    const task = await newTask(workflow.id);
    const otherTask = await newTask(workflow.id);
    const elsewhere = (await comment(otherTask.id, { body: 'there' }).expect(201)).body as Comment;
    const since = await t.lastSeq();

    await comment(task.id, { body: '' }).expect(400);
    await comment(task.id, { body: 'x'.repeat(20_001) }).expect(400);
    const unknown = await comment(task.id, { body: 'x', author: 'someone' }).expect(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ field: 'author' })]);
    await comment(task.id, { body: 7 }).expect(400);
    await comment(task.id, { body: 'x', parentId: 'nope' }).expect(400);
    const wrongParent = await comment(task.id, { body: 'x', parentId: elsewhere.id }).expect(400);
    expect(wrongParent.body.message).toContain('same task');
    await t.http.get('/api/tasks/nope/comments').set(bearer(viewer.token)).expect(400);
    await t.http.patch('/api/comments/nope').set(bearer(alice.token)).send({ body: 'x' }).expect(400);
    await comment('0190a0a0-0000-7000-8000-000000000000', { body: 'x' }).expect(404);

    expect(await t.auditAfter(since)).toEqual([]);
    expect(await list(task.id)).toEqual([]);
  });

  it('counts live comments on the task and its board card (deleted ones not counted)', async () => {
    const workflow = await t.workflow();
    const task = await newTask(workflow.id);
    expect(task.commentCount).toBe(0);
    await comment(task.id, { body: 'one' }).expect(201);
    const second = (await comment(task.id, { body: 'two' }).expect(201)).body as Comment;
    await t.http.delete(`/api/comments/${second.id}`).set(bearer(alice.token)).expect(200);
    const fetched = await t.http.get(`/api/tasks/${task.id}`).set(bearer(viewer.token)).expect(200);
    expect(fetched.body.commentCount).toBe(1);
    const board = await t.http.get(`/api/workflows/${workflow.id}/tasks`).set(bearer(viewer.token)).expect(200);
    expect(board.body.items[0]).toMatchObject({ id: task.id, commentCount: 1 });
  });
});
