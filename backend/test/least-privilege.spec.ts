import type { AuditEntry, Task } from '@tandem/shared';
import { bearer, startTestApp, type TestApp } from './support/test-app';

/** What each caller is shown, and whom work may be given to (issue 11 point 7). */
describe('least privilege in what is shown', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('task history shows IP and user agent to admins only', async () => {
    const workflow = await t.workflow();
    const viewer = await t.user('viewer');
    const member = await t.user('member');
    const agent = await t.agent([workflow.id]);
    await t.http
      .post(`/api/workflows/${workflow.id}/tasks`)
      .set({ ...bearer(member.token), 'User-Agent': 'Secret-Browser/1.0', 'X-Forwarded-For': '203.0.113.7' })
      .send({ title: 'tracked' })
      .expect(201);
    const [task] = (await t.http.get(`/api/workflows/${workflow.id}/tasks`).set(bearer(t.adminToken))).body
      .items as Task[];
    const history = async (token: string) =>
      (await t.http.get(`/api/tasks/${task.id}/history`).set(bearer(token)).expect(200)).body.items as AuditEntry[];

    const [asAdmin] = await history(t.adminToken);
    expect(asAdmin.userAgent).toBe('Secret-Browser/1.0');
    expect(asAdmin.ip).toEqual(expect.any(String));
    for (const token of [viewer.token, member.token, agent.key]) {
      const [entry] = await history(token);
      expect(entry).toMatchObject({ action: 'task.created', ip: null, userAgent: null });
      expect(entry.actor.id).toBe(member.id);
    }
  });

  it('refuses (400) to assign a task to an agent not on its workflow or revoked, and changes nothing', async () => {
    const workflow = await t.workflow();
    const other = await t.workflow();
    const onWorkflow = await t.agent([workflow.id]);
    const outsider = await t.agent([other.id]);
    const revoked = await t.agent([workflow.id]);
    await t.http.delete(`/api/agents/${revoked.id}`).set(bearer(t.adminToken)).expect(200);
    const create = (agentId: string) =>
      t.http.post(`/api/workflows/${workflow.id}/tasks`).set(bearer(t.adminToken)).send({ title: 'x', agentId });

    const before = await t.lastSeq();
    for (const agentId of [outsider.id, revoked.id]) {
      const refused = await create(agentId).expect(400);
      expect(refused.body).toMatchObject({ statusCode: 400, code: 'bad_request', details: { agentId } });
    }
    expect(await t.lastSeq()).toBe(before);
    const task = (await create(onWorkflow.id).expect(201)).body as Task;

    const since = await t.lastSeq();
    for (const agentId of [outsider.id, revoked.id]) {
      await t.http
        .patch(`/api/tasks/${task.id}`)
        .set(bearer(t.adminToken))
        .send({ agentId, version: task.version })
        .expect(400);
    }
    expect(await t.lastSeq()).toBe(since);
    const current = (await t.http.get(`/api/tasks/${task.id}`).set(bearer(t.adminToken))).body as Task;
    expect(current).toMatchObject({ agentId: onWorkflow.id, version: task.version });
  });
});
