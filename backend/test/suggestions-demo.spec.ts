import type { Suggestion, Task } from '@tandem/shared';
import { DEMO_WORKFLOW_NAME, startDemo } from '../src/demo/demo-agents';
import { ADMIN, bearer, startTestApp, type TestApp } from './support/test-app';
import { decide } from './suggestions-helpers';

async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out');
}

describe('demo agents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('fill the demo board through the API and hear the human’s decisions', async () => {
    const lines: string[] = [];
    const demo = await startDemo({
      baseUrl: t.url,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      paceMs: 100,
      log: (line) => lines.push(line),
    });
    try {
      const workflow = await t.http.get(`/api/workflows/${demo.workflowId}`).set(bearer(t.adminToken)).expect(200);
      expect(workflow.body).toMatchObject({ name: DEMO_WORKFLOW_NAME, status: 'running' });
      expect(workflow.body.agentIds).toEqual(expect.arrayContaining(demo.agentIds));
      expect(demo.agentIds).toHaveLength(3);
      // Connected like real agents: online (busy or idle) while they work, as GET /api/agents/:id says.
      for (const agentId of demo.agentIds) {
        await until(async () => {
          const agent = await t.http.get(`/api/agents/${agentId}`).set(bearer(t.adminToken)).expect(200);
          return agent.body.status !== 'offline' ? true : undefined;
        });
      }

      const pending = await until(async () => {
        const page = await t.http
          .get('/api/suggestions')
          .query({ workflowId: demo.workflowId, status: 'pending' })
          .set(bearer(t.adminToken))
          .expect(200);
        return (page.body.items as Suggestion[])[0];
      });
      expect(demo.agentIds).toContain(pending.agentId);
      await decide(t, t.adminToken, pending.id, { decision: 'approve', revision: pending.revision }).expect(200);
      await until(async () => (lines.some((line) => line.includes('was approved')) ? true : undefined));

      const board = await until(async () => {
        const page = await t.http.get(`/api/workflows/${demo.workflowId}/tasks`).set(bearer(t.adminToken)).expect(200);
        const items = page.body.items as Task[];
        return items.length >= 2 && items.some((task) => task.status !== 'pending') ? items : undefined;
      });
      expect(board.length).toBeGreaterThanOrEqual(2);
      const [{ count }] = await t.sql<{ count: string }>(
        `select count(*) from audit_log where actor_type = 'agent' and workflow_id = $1`,
        [demo.workflowId],
      );
      expect(Number(count)).toBeGreaterThan(0);
      // The planner never proposes a task that exists or is already proposed.
      const titles = [
        ...(
          await t.http.get(`/api/workflows/${demo.workflowId}/tasks`).set(bearer(t.adminToken)).expect(200)
        ).body.items.map((task: Task) => task.title),
        ...(
          await t.http
            .get('/api/suggestions')
            .query({ workflowId: demo.workflowId, status: 'pending' })
            .set(bearer(t.adminToken))
            .expect(200)
        ).body.items
          .filter((suggestion: Suggestion) => suggestion.kind === 'task.create')
          .map((suggestion: Suggestion) => suggestion.payload.title),
      ];
      expect(new Set(titles).size).toBe(titles.length);
    } finally {
      await demo.stop();
    }
    // A second start reuses the workflow and the agents (with fresh keys).
    const again = await startDemo({
      baseUrl: t.url,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      log: () => undefined,
    });
    await again.stop();
    expect(again.workflowId).toBe(demo.workflowId);
    for (const agentId of demo.agentIds) {
      await until(async () => {
        const agent = await t.http.get(`/api/agents/${agentId}`).set(bearer(t.adminToken)).expect(200);
        return agent.body.status === 'offline' ? true : undefined; // stopped: disconnected
      });
    }
    expect(again.agentIds.sort()).toEqual([...demo.agentIds].sort());
    expect(lines.filter((line) => !/asks:|heard:|simulated agents/.test(line))).toEqual([]);
  });
});
