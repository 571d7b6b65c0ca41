import type { EventEnvelope, Page, SubscribeAck, Task, Workflow } from '@tandem/shared';
import { workflowChannel } from '@tandem/shared';
import { adminQuery, REDIS_URL } from './support/services';
import { DelayingProxy } from './support/delaying-proxy';
import { bearer, createTestDatabase, startTestApp, type TestApp } from './support/test-app';
import {
  connected,
  rawSocket,
  recordingClient,
  startCluster,
  touchWorkflow,
  waitFor,
  type Cluster,
  type RecordingClient,
} from './support/nodes';
import { startRedisServer, type RedisServer } from '../../scripts/cluster-lib.mjs';

/** Seqs of a channel in the audit log after `since` (what every subscriber must end up with, exactly). */
async function seqsOf(t: TestApp, workflowId: string, since: number): Promise<number[]> {
  const rows = await t.sql<{ seq: string }>(
    `select seq from audit_log where outcome = 'success' and workflow_id = $1 and seq > $2 order by seq`,
    [workflowId, since],
  );
  return rows.map((row) => Number(row.seq));
}

/** The state a client built from events: the latest `data` per entity id. */
function stateFrom(events: EventEnvelope[]): Map<string, unknown> {
  const state = new Map<string, unknown>();
  for (const event of events) state.set((event.data as { id: string }).id, event.data);
  return state;
}

async function expectStateMatchesDb(t: TestApp, client: RecordingClient, workflowId: string) {
  const state = stateFrom(client.events.filter((event) => event.channel === workflowChannel(workflowId)));
  const workflow = (await t.http.get(`/api/workflows/${workflowId}`).set(bearer(t.adminToken))).body as Workflow;
  const board = (await t.http.get(`/api/workflows/${workflowId}/tasks`).set(bearer(t.adminToken))).body as Page<Task>;
  expect(state.get(workflowId)).toEqual(workflow);
  for (const task of board.items) expect(state.get(task.id)).toEqual(task);
}

async function createTask(t: TestApp, workflowId: string, title: string): Promise<Task> {
  const response = await t.http
    .post(`/api/workflows/${workflowId}/tasks`)
    .set(bearer(t.adminToken))
    .send({ title })
    .expect(201);
  return response.body as Task;
}

const COLUMNS = ['pending', 'in_progress', 'review'] as const;

/** Moves a task to the next column (always a real move: one `task.moved` entry). */
async function moveTask(t: TestApp, taskId: string): Promise<Task> {
  const current = (await t.http.get(`/api/tasks/${taskId}`).set(bearer(t.adminToken))).body as Task;
  const next = COLUMNS[(COLUMNS.indexOf(current.status as (typeof COLUMNS)[number]) + 1) % COLUMNS.length];
  const response = await t.http
    .post(`/api/tasks/${taskId}/move`)
    .set(bearer(t.adminToken))
    .send({ status: next, version: current.version });
  if (response.status !== 200) throw new Error(`move: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Task;
}

describe('two nodes sharing Postgres and Redis', () => {
  let cluster: Cluster;
  const clients: RecordingClient[] = [];
  const track = (client: RecordingClient) => (clients.push(client), client);

  beforeAll(async () => {
    cluster = await startCluster(REDIS_URL);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('delivers a change made through node A to a subscriber on node B, and the reverse', async () => {
    const { a, b } = cluster;
    const workflow = await a.workflow();
    const channel = workflowChannel(workflow.id);
    const onA = track(recordingClient(a.url, a.adminToken));
    const onB = track(recordingClient(b.url, b.adminToken));
    await onA.subscribe(channel);
    await onB.subscribe(channel);
    const since = await a.lastSeq();
    await touchWorkflow(a, workflow.id);
    await waitFor('A to B', () => onB.seqs(channel).length === 1);
    await touchWorkflow(b, workflow.id);
    await waitFor('B to A', () => onA.seqs(channel).length === 2 && onB.seqs(channel).length === 2);
    const expected = await seqsOf(a, workflow.id, since);
    expect(onA.seqs(channel)).toEqual(expected);
    expect(onB.seqs(channel)).toEqual(expected);
    await expectStateMatchesDb(a, onB, workflow.id);
  });

  it('replays exactly the 50 missed changes, in order, to a subscriber that reconnects to the other node', async () => {
    const { a, b } = cluster;
    const workflow = await a.workflow();
    const channel = workflowChannel(workflow.id);
    const tasks = [await createTask(a, workflow.id, 'one'), await createTask(a, workflow.id, 'two')];
    const client = track(recordingClient(a.url, a.adminToken));
    await client.subscribe(channel);
    const since = await a.lastSeq();
    await touchWorkflow(a, workflow.id);
    await waitFor('first event', () => client.seqs(channel).length === 1);

    client.client.disconnect();
    for (let i = 0; i < 50; i += 1) {
      if (i % 2) await touchWorkflow(i % 4 === 1 ? a : b, workflow.id);
      else await moveTask(i % 4 === 0 ? b : a, tasks[(i / 2) % 2].id);
    }
    client.client.connect({ url: b.url });
    const expected = await seqsOf(a, workflow.id, since);
    expect(expected).toHaveLength(51);
    await waitFor('replay', () => client.seqs(channel).length === 51);
    await touchWorkflow(a, workflow.id);
    await waitFor('live after replay', () => client.seqs(channel).length === 52);
    expect(client.seqs(channel)).toEqual(await seqsOf(a, workflow.id, since));
    await expectStateMatchesDb(a, client, workflow.id);
  });
});

describe('two nodes writing at once on one channel, node B 300 ms further from Redis than node A', () => {
  let proxy: DelayingProxy;
  let delayed: Cluster;

  beforeAll(async () => {
    // B's commits reach A 300 ms late, so A often has its own later event before B's earlier one.
    proxy = await DelayingProxy.start(REDIS_URL, 300);
    const database = await createTestDatabase();
    const a = await startTestApp({ database, redisUrl: REDIS_URL });
    const b = await startTestApp({ database, redisUrl: proxy.url });
    delayed = {
      a,
      b,
      close: async () => {
        await Promise.allSettled([a.close(), b.close()]);
        await adminQuery(`drop database if exists ${database} with (force)`);
      },
    };
  });
  afterAll(async () => {
    await delayed.close();
    await proxy.close();
  });

  it('delivers every event in order, with no gap, to plain clients on both nodes while both nodes write at once', async () => {
    const { a, b } = delayed;
    const workflow = await a.workflow();
    const channel = workflowChannel(workflow.id);
    const tasks = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createTask(i % 2 ? b : a, workflow.id, `concurrent ${i}`)),
    );
    // Plain Socket.IO clients: they never replay, so they show exactly what each node sends live.
    const plain = [a, a, b, b].map((node) => {
      const socket = rawSocket(node.url, { token: node.adminToken });
      const events: EventEnvelope[] = [];
      socket.on('event', (envelope: EventEnvelope) => events.push(envelope));
      return { socket, events };
    });
    try {
      await Promise.all(plain.map(({ socket }) => connected(socket)));
      const acks = await Promise.all(
        plain.map(({ socket }) => socket.emitWithAck('subscribe', { channel }) as Promise<SubscribeAck>),
      );
      const since = await a.lastSeq();
      // Each task moved by its own loop, alternately through node A and node B: commits interleave across nodes.
      await Promise.all(
        tasks.map(async (task, i) => {
          for (let round = 0; round < 6; round += 1) await moveTask((i + round) % 2 ? a : b, task.id);
        }),
      );
      expect(await seqsOf(a, workflow.id, since)).toHaveLength(48);
      for (const [i, { events }] of plain.entries()) {
        // From the head its node acked (B's last task may reach A's stream after A acked), every seq after it.
        const head = acks[i].ok ? acks[i].head : -1;
        const expected = await seqsOf(a, workflow.id, head);
        await waitFor(`plain client ${i}`, () => events.length >= expected.length);
        expect(events.map((event) => event.seq)).toEqual(expected);
        // Each event's prev is the one before it: nothing a client would call a gap.
        expect(events.map((event) => event.prev)).toEqual([head, ...expected.slice(0, -1)]);
      }
    } finally {
      for (const { socket } of plain) socket.close();
    }
  });
});

describe('a Redis outage', () => {
  let redis: RedisServer;
  let cluster: Cluster;

  beforeAll(async () => {
    redis = await startRedisServer();
    cluster = await startCluster(redis.url);
  });
  afterAll(async () => {
    await cluster.close();
    await redis.stop();
  });

  it('keeps both nodes serving, resumes fan-out when Redis returns, and every subscriber ends with every event once', async () => {
    const { a, b } = cluster;
    const workflow = await a.workflow();
    const channel = workflowChannel(workflow.id);
    const subscribers = [a, a, b, b].map((node) => recordingClient(node.url, node.adminToken));
    for (const subscriber of subscribers) await subscriber.subscribe(channel);
    const since = await a.lastSeq();
    const change = async (i: number) => touchWorkflow(i % 2 ? b : a, workflow.id);

    for (let i = 0; i < 10; i += 1) await change(i);
    await redis.stop();
    for (let i = 10; i < 20; i += 1) await change(i); // REST keeps working on both nodes without Redis
    await redis.start();
    // Cross-node fan-out must come back by itself: a change on A reaches the subscribers on B. A probe sent
    // before B's subscriber connection is back is lost to B (nothing follows it to expose the gap), so probe
    // every half second until one arrives.
    let probe: Workflow | undefined;
    let probedAt = 0;
    await waitFor(
      'fan-out resumed',
      async () => {
        const seen =
          probe && subscribers.every((s) => s.events.some((e) => (e.data as Workflow).version === probe?.version));
        if (!seen && Date.now() - probedAt > 500) {
          probedAt = Date.now();
          probe = await touchWorkflow(a, workflow.id);
        }
        return seen;
      },
      20_000,
    );
    for (let i = 20; i < 30; i += 1) await change(i);

    const expected = await seqsOf(a, workflow.id, since);
    expect(expected.length).toBeGreaterThanOrEqual(31);
    await waitFor(
      'every event everywhere',
      () => subscribers.every((s) => s.seqs(channel).length === expected.length),
      20_000,
    );
    for (const subscriber of subscribers) {
      expect(subscriber.seqs(channel)).toEqual(expected);
      await expectStateMatchesDb(a, subscriber, workflow.id);
      subscriber.close();
    }
  });
});
