import { EventBus } from '../src/core/event-bus';
import { bearer, startTestApp, type TestApp } from './support/test-app';

describe('write path', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers a committed write with success when an event listener throws or rejects', async () => {
    const bus = t.app.get(EventBus);
    const seen: number[] = [];
    const stops = [
      bus.onCommitted(() => {
        throw new Error('listener bug');
      }),
      bus.onCommitted(() => Promise.reject(new Error('async listener bug'))),
      bus.onCommitted((committed) => void seen.push(...committed.map(({ entry }) => entry.seq))),
    ];
    try {
      const since = await t.lastSeq();
      const created = await t.http
        .post('/api/workflows')
        .set(bearer(t.adminToken))
        .send({ name: 'listeners may fail', status: 'running' })
        .expect(201);
      const entries = await t.auditAfter(since);
      expect(entries.map((entry) => [entry.action, entry.entityId])).toEqual([
        ['workflow.created', (created.body as { id: string }).id],
      ]);
      // Listeners after the failing ones still hear the event.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toContain(entries[0].seq);
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('audits refusals inside writes after the rollback: more at once than the pool holds do not stall', async () => {
    const workflow = await t.workflow('not yours');
    const agent = await t.agent([]);
    const since = await t.lastSeq();
    const attempts = 16; // the app's pool holds 10 connections
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        t.http
          .post(`/api/workflows/${workflow.id}/tasks`)
          .set(bearer(agent.key))
          .send({ title: `refused ${i}` }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(attempts).fill(403));
    expect(Date.now() - started).toBeLessThan(10_000);
    const denied = (await t.auditAfter(since)).filter((entry) => entry.action === 'access.denied');
    expect(denied).toHaveLength(attempts);
    expect(new Set(denied.map((entry) => entry.entityId))).toEqual(new Set([workflow.id]));
    expect(denied.every((entry) => entry.outcome === 'denied' && entry.actor.id === agent.id)).toBe(true);
    const [{ count }] = await t.sql<{ count: string }>('select count(*) from tasks where workflow_id = $1', [
      workflow.id,
    ]);
    expect(Number(count)).toBe(0);
  });
});
