import type { EventEnvelope, SubscribeAck, Task } from '@tandem/shared';
import { workflowChannel } from '@tandem/shared';
import { connected, rawSocket, waitFor, type Cluster } from './support/nodes';
import { PrivateRedisCluster } from './support/redis-cluster';
import { adminQuery, REDIS_URL } from './support/services';
import { bearer, createTestDatabase, startTestApp, type TestApp } from './support/test-app';

async function createTask(t: TestApp, workflowId: string, title: string): Promise<Task> {
  return (await t.http.post(`/api/workflows/${workflowId}/tasks`).set(bearer(t.adminToken)).send({ title }).expect(201))
    .body as Task;
}

describe('fan-out over Redis sharded pub/sub on a three-master Redis Cluster (REDIS_PUBSUB_CLUSTER_NODES)', () => {
  let redisCluster: PrivateRedisCluster;
  let nodes: Cluster;

  beforeAll(async () => {
    redisCluster = await PrivateRedisCluster.start();
    process.env.REDIS_PUBSUB_CLUSTER_NODES = redisCluster.nodes;
    try {
      const database = await createTestDatabase();
      // REDIS_URL stays the plain Redis of presence and limits; only the adapter's pub/sub goes to the cluster.
      const a = await startTestApp({ database, redisUrl: REDIS_URL });
      const b = await startTestApp({ database, redisUrl: REDIS_URL });
      nodes = {
        a,
        b,
        close: async () => {
          await Promise.allSettled([a.close(), b.close()]);
          await adminQuery(`drop database if exists ${database} with (force)`);
        },
      };
    } finally {
      delete process.env.REDIS_PUBSUB_CLUSTER_NODES;
    }
  });
  afterAll(async () => {
    await nodes?.close();
    await redisCluster?.stop();
  });

  it('delivers every event in order to plain clients on both nodes, with channels spread over the masters', async () => {
    const { a, b } = nodes;
    const workflows = await Promise.all([a.workflow(), a.workflow(), a.workflow(), a.workflow()]);
    const plain = [a, b].flatMap((node) =>
      workflows.map((workflow) => {
        const socket = rawSocket(node.url, { token: node.adminToken });
        const events: EventEnvelope[] = [];
        socket.on('event', (envelope: EventEnvelope) => events.push(envelope));
        return { socket, events, channel: workflowChannel(workflow.id), workflowId: workflow.id, node };
      }),
    );
    try {
      await Promise.all(plain.map(({ socket }) => connected(socket)));
      const acks = await Promise.all(
        plain.map(({ socket, channel }) => socket.emitWithAck('subscribe', { channel }) as Promise<SubscribeAck>),
      );
      // Writes through both nodes on every board.
      await Promise.all(
        workflows.flatMap((workflow) => [
          createTask(a, workflow.id, 'through A'),
          createTask(b, workflow.id, 'through B'),
        ]),
      );
      for (const [i, { events, workflowId }] of plain.entries()) {
        const head = acks[i].ok ? acks[i].head : -1;
        const rows = await a.sql<{ seq: string }>(
          `select seq from audit_log where outcome = 'success' and workflow_id = $1 and seq > $2 order by seq`,
          [workflowId, head],
        );
        const expected = rows.map((row) => Number(row.seq));
        expect(expected).toHaveLength(2);
        await waitFor(`client ${i}`, () => events.length >= expected.length);
        expect(events.map((event) => event.seq)).toEqual(expected);
        expect(events.map((event) => event.prev)).toEqual([head, ...expected.slice(0, -1)]);
      }
      // One shard channel per room: the rooms of the four boards and the users do not all sit on one master.
      const perMaster = redisCluster.shardChannels();
      expect(perMaster.flat().length).toBeGreaterThanOrEqual(4);
      expect(perMaster.filter((channels) => channels.length > 0).length).toBeGreaterThanOrEqual(2);
    } finally {
      for (const { socket } of plain) socket.close();
    }
  });
});
