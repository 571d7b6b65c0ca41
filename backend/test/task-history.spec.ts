import type { AuditEntry, Task } from '@tandem/shared';
import { bearer, startTestApp, type TestApp } from './support/test-app';

describe('GET /api/tasks/:id/history', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('shows anyone who may see the task its own audit entries, newest first, paged by seq', async () => {
    const workflow = await t.workflow();
    const viewer = await t.user('viewer');
    const created = (
      await t.http.post(`/api/workflows/${workflow.id}/tasks`).set(bearer(t.adminToken)).send({ title: 'tracked' })
    ).body as Task;
    const moved = (
      await t.http
        .post(`/api/tasks/${created.id}/move`)
        .set(bearer(t.adminToken))
        .send({ status: 'review', version: created.version })
        .expect(200)
    ).body as Task;
    await t.http
      .patch(`/api/tasks/${created.id}`)
      .set(bearer(t.adminToken))
      .send({ title: 'tracked, renamed', version: moved.version })
      .expect(200);

    const page = await t.http.get(`/api/tasks/${created.id}/history`).set(bearer(viewer.token)).expect(200);
    const items = page.body.items as AuditEntry[];
    expect(items.map((entry) => entry.action)).toEqual(['task.updated', 'task.moved', 'task.created']);
    expect(items[0].changes).toEqual({ title: ['tracked', 'tracked, renamed'] });
    expect(items.every((entry) => entry.entityId === created.id)).toBe(true);

    const first = await t.http
      .get(`/api/tasks/${created.id}/history?limit=1&order=asc`)
      .set(bearer(viewer.token))
      .expect(200);
    expect(first.body.items.map((entry: AuditEntry) => entry.action)).toEqual(['task.created']);
    const next = await t.http
      .get(`/api/tasks/${created.id}/history?limit=1&order=asc&cursor=${first.body.nextCursor}`)
      .set(bearer(viewer.token))
      .expect(200);
    expect(next.body.items.map((entry: AuditEntry) => entry.action)).toEqual(['task.moved']);
  });

  it('refuses agents of other workflows (audited), bad cursors, and unknown tasks', async () => {
    const workflow = await t.workflow();
    const other = await t.workflow();
    const outsider = await t.agent([other.id]);
    const task = (
      await t.http.post(`/api/workflows/${workflow.id}/tasks`).set(bearer(t.adminToken)).send({ title: 'private' })
    ).body as Task;
    const since = await t.lastSeq();
    await t.http.get(`/api/tasks/${task.id}/history`).set(bearer(outsider.key)).expect(403);
    await t.http.get(`/api/tasks/${task.id}/history?cursor=abc`).set(bearer(t.adminToken)).expect(400);
    await t.http.get(`/api/tasks/${task.id}/history?entityType=user`).set(bearer(t.adminToken)).expect(400);
    await t.http.get('/api/tasks/0190a0a0-0000-7000-8000-000000000000/history').set(bearer(t.adminToken)).expect(404);
    await t.http.get(`/api/tasks/${task.id}/history`).expect(401);
    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => [entry.action, entry.outcome, entry.actor.id])).toEqual([
      ['access.denied', 'denied', outsider.id],
    ]);
  });

  it('GET /api/audit/activity: recent board work for anyone signed in, without ip or user agent; not for agents', async () => {
    const workflow = await t.workflow('activity board');
    const viewer = await t.user('viewer');
    const task = (
      await t.http.post(`/api/workflows/${workflow.id}/tasks`).set(bearer(t.adminToken)).send({ title: 'seen' })
    ).body as Task;
    const answer = await t.http.get('/api/audit/activity?limit=5').set(bearer(viewer.token)).expect(200);
    const items = answer.body.items as AuditEntry[];
    expect(items.length).toBeLessThanOrEqual(5);
    expect(items[0]).toMatchObject({ action: 'task.created', entityId: task.id, ip: null, userAgent: null });
    expect(items.every((entry) => entry.workflowId !== null && entry.outcome === 'success')).toBe(true);
    expect(items.some((entry) => entry.action.startsWith('auth.') || entry.action.startsWith('user.'))).toBe(false);
    await t.http.get('/api/audit/activity?limit=500').set(bearer(viewer.token)).expect(400);
    const agent = await t.agent([workflow.id]);
    await t.http.get('/api/audit/activity').set(bearer(agent.key)).expect(403);
    await t.http.get('/api/audit').set(bearer(viewer.token)).expect(403);
  });
});
