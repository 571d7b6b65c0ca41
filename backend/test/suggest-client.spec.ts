import type { Server } from 'node:http';
import { TandemClient, type Task } from '@tandem/shared';
import { waitFor } from './support/nodes';
import { bearer, createTestDatabase, startTestApp, type TestApp } from './support/test-app';

/** TandemClient.suggest(): the agent's promise of a decision survives a dead socket and a node restart. */
describe('TandemClient.suggest()', () => {
  const clients: TandemClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    // Let aborted long-polls settle before jest tears the environment down.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  async function boardWithAgent(t: TestApp) {
    const workflow = await t.workflow();
    const agent = await t.agent([workflow.id]);
    const task = (
      await t.http
        .post(`/api/workflows/${workflow.id}/tasks`)
        .set(bearer(t.adminToken))
        .send({ title: 'Old' })
        .expect(201)
    ).body as Task;
    const approver = await t.user('approver');
    return { workflow, agent, task, approver };
  }

  async function pendingSuggestionId(t: TestApp): Promise<string> {
    const rows = await waitFor('the suggestion to be posted', async () => {
      const found = await t.sql<{ id: string }>(`select id from suggestions where status = 'pending'`);
      return found.length ? found : undefined;
    });
    return rows[0].id;
  }

  it('resolves when the human approves while the agent socket is down', async () => {
    const t = await startTestApp();
    try {
      const { agent, task, approver } = await boardWithAgent(t);
      const client = new TandemClient({ baseUrl: t.url, token: agent.key });
      clients.push(client);
      client.connect();
      await waitFor('the socket to be live', () => client.connectionState === 'live' || undefined);

      const decision = client.suggest({
        taskId: task.id,
        kind: 'task.update',
        action: 'Rename the task',
        reasoning: 'The old title is vague',
        payload: { title: 'New' },
        confidence: 0.4,
      });
      const id = await pendingSuggestionId(t);
      client.disconnect();
      await t.http
        .post(`/api/suggestions/${id}/decision`)
        .set(bearer(approver.token))
        .send({ decision: 'approve', revision: 1, note: 'fine' })
        .expect(200);

      const result = await decision;
      expect(result).toMatchObject({ outcome: 'approved', note: 'fine', payload: { title: 'New' } });
      expect(result.suggestion.id).toBe(id);
      const [row] = await t.sql<{ title: string }>('select title from tasks where id = $1', [task.id]);
      expect(row.title).toBe('New');
      expect(await t.sql('select id from suggestions')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('resolves after the node it was connected to restarts, with the decision taken on another node', async () => {
    const database = await createTestDatabase();
    const nodeA = await startTestApp({ database });
    const nodeB = await startTestApp({ database });
    const port = Number(new URL(nodeA.url).port);
    let restarted: TestApp | undefined;
    try {
      const { agent, task, approver } = await boardWithAgent(nodeA);
      const client = new TandemClient({ baseUrl: nodeA.url, token: agent.key });
      clients.push(client);
      client.connect();
      await waitFor('the socket to be live', () => client.connectionState === 'live' || undefined);

      const decision = client.suggest({
        taskId: task.id,
        kind: 'comment',
        action: 'Explain the change',
        payload: { body: 'Renamed for clarity' },
        confidence: 0.3,
      });
      const id = await pendingSuggestionId(nodeA);
      // Node A dies: it stops accepting (the agent's retries are refused) and its long-poll and socket are cut.
      const server = nodeA.app.getHttpServer() as Server;
      server.close();
      server.closeAllConnections();
      await nodeA.close();

      await nodeB.http
        .post(`/api/suggestions/${id}/decision`)
        .set(bearer(approver.token))
        .send({ decision: 'reject', revision: 1, note: 'not needed' })
        .expect(200);
      restarted = await startTestApp({ database, port });

      const result = await decision;
      expect(result).toMatchObject({ outcome: 'rejected', note: 'not needed' });
      expect(await nodeB.sql(`select id from comments`)).toHaveLength(0);
      expect(await nodeB.sql('select id from suggestions')).toHaveLength(1);
    } finally {
      await restarted?.close();
      await nodeB.close();
    }
  });

  it('hands a request for changes back to the agent, which revises and waits again', async () => {
    const t = await startTestApp();
    try {
      const { agent, task, approver } = await boardWithAgent(t);
      const client = new TandemClient({ baseUrl: t.url, token: agent.key });
      const first = client.suggest({
        taskId: task.id,
        kind: 'task.update',
        action: 'Raise priority',
        payload: { priority: 'high' },
        confidence: 0.5,
      });
      const id = await pendingSuggestionId(t);
      await t.http
        .post(`/api/suggestions/${id}/decision`)
        .set(bearer(approver.token))
        .send({ decision: 'request_changes', revision: 1, note: 'low is enough' })
        .expect(200);
      const changes = await first;
      expect(changes).toMatchObject({ outcome: 'changes_requested', note: 'low is enough' });

      const revised = await client.reviseSuggestion(id, { payload: { priority: 'low' } });
      const second = client.waitForDecision(revised);
      await t.http
        .post(`/api/suggestions/${id}/decision`)
        .set(bearer(approver.token))
        .send({ decision: 'approve', revision: 2 })
        .expect(200);
      expect(await second).toMatchObject({ outcome: 'approved', payload: { priority: 'low' } });
    } finally {
      await t.close();
    }
  });
});
