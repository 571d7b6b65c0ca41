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

  it('commits concurrent writes in batches: each write rolls back alone, the rest commit, the chain stays whole', async () => {
    const boards = [await t.workflow('batch a'), await t.workflow('batch b'), await t.workflow('batch c')];
    const outsider = await t.agent([]);
    const tasks: Array<{ id: string; version: number }> = [];
    for (const [i, board] of boards.entries()) {
      for (let n = 0; n < 12; n += 1) {
        const created = await t.http
          .post(`/api/workflows/${board.id}/tasks`)
          .set(bearer(t.adminToken))
          .send({ title: `batched ${i}.${n}` })
          .expect(201);
        tasks.push(created.body as { id: string; version: number });
      }
    }
    const since = await t.lastSeq();
    const stale = new Set([tasks[3].id, tasks[17].id, tasks[30].id]);
    const moves = tasks.map((task) =>
      t.http
        .post(`/api/tasks/${task.id}/move`)
        .set(bearer(t.adminToken))
        .send({ status: 'in_progress', version: stale.has(task.id) ? task.version + 5 : task.version }),
    );
    const refused = t.http
      .post(`/api/workflows/${boards[1].id}/tasks`)
      .set(bearer(outsider.key))
      .send({ title: 'not yours' });
    const [answers, refusal] = await Promise.all([Promise.all(moves), refused]);
    expect(answers.map((answer) => answer.status)).toEqual(tasks.map((task) => (stale.has(task.id) ? 409 : 200)));
    expect(refusal.status).toBe(403);

    const entries = await t.auditAfter(since);
    const moved = entries.filter((entry) => entry.action === 'task.moved');
    expect(moved.map((entry) => entry.entityId).sort()).toEqual(
      tasks
        .filter((task) => !stale.has(task.id))
        .map((task) => task.id)
        .sort(),
    );
    expect(entries.filter((entry) => entry.action === 'access.denied')).toHaveLength(1);
    // Entries appended together share their time: fewer appends than writes means the writes were batched.
    expect(new Set(moved.map((entry) => entry.at)).size).toBeLessThan(moved.length);
    const rows = await t.sql<{ id: string; version: number }>('select id, version from tasks where id = any($1)', [
      tasks.map((task) => task.id),
    ]);
    for (const row of rows) {
      const before = tasks.find((task) => task.id === row.id)!.version;
      expect(row.version).toBe(stale.has(row.id) ? before : before + 1);
    }
    const verify = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    expect(verify.body).toMatchObject({ ok: true });
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
