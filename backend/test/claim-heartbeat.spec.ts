import { TandemClient, type Task } from '@tandem/shared';
import { waitFor } from './support/nodes';
import { bearer, startTestApp, type TestApp } from './support/test-app';

/** TandemClient.holdClaim(): the agent's heartbeat keeps its lease alive; it stops when the claim is gone. */
describe('claim heartbeat', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function claimedBy(taskId: string): Promise<string | null> {
    return ((await t.http.get(`/api/tasks/${taskId}`).set(bearer(t.adminToken)).expect(200)).body as Task).claimedBy;
  }

  it('keeps renewing a short lease while the agent runs, then releases it', async () => {
    const workflow = await t.workflow();
    const holder = await t.agent([workflow.id]);
    const rival = await t.agent([workflow.id]);
    const task = (
      await t.http.post(`/api/workflows/${workflow.id}/tasks`).set(bearer(t.adminToken)).send({ title: 'lease' })
    ).body as Task;
    const client = new TandemClient({ baseUrl: t.url, token: holder.key });
    const hold = await client.holdClaim(task.id, { ttlSeconds: 2 });

    // Twice the TTL later the lease is still the holder's: renewed at half the TTL.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await claimedBy(task.id)).toBe(holder.id);
    const refused = await t.http.post(`/api/tasks/${task.id}/claim`).set(bearer(rival.key)).send({ ttlSeconds: 60 });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('claimed');
    const renewals = await t.sql<{ n: string }>(
      `select count(*) as n from audit_log where action = 'task.claimed' and entity_id = $1`,
      [task.id],
    );
    expect(Number(renewals[0].n)).toBeGreaterThanOrEqual(3);

    const released = await hold.release();
    expect(released.claimedBy).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await claimedBy(task.id)).toBeNull();
  });

  it('stops renewing once the task is finished, and refuses to claim a finished task', async () => {
    const workflow = await t.workflow();
    const holder = await t.agent([workflow.id]);
    const task = (
      await t.http.post(`/api/workflows/${workflow.id}/tasks`).set(bearer(t.adminToken)).send({ title: 'done soon' })
    ).body as Task;
    const client = new TandemClient({ baseUrl: t.url, token: holder.key });
    let lost: Error | undefined;
    const hold = await client.holdClaim(task.id, { ttlSeconds: 1, onLost: (error) => (lost = error) });
    await t.http
      .post(`/api/tasks/${task.id}/move`)
      .set(bearer(holder.key))
      .send({ status: 'completed', version: hold.task.version })
      .expect(200);
    await waitFor('the renewal to give up', () => lost, 5_000);
    expect(lost?.message).toMatch(/completed/);
    expect(await claimedBy(task.id)).toBeNull();
    const refused = await t.http.post(`/api/tasks/${task.id}/claim`).set(bearer(holder.key)).send({ ttlSeconds: 60 });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'not_applicable', current: { id: task.id, status: 'completed' } });
  });
});
