import type { Agent, EphemeralEvent, Viewer } from '@tandem/shared';
import { workflowChannel } from '@tandem/shared';
import { RealtimeRedis } from '../src/realtime/realtime-redis';
import { PRESENCE_HEARTBEAT_MS, PRESENCE_TTL_MS } from '../src/realtime/presence.service';
import { recordingClient, startCluster, waitFor, type Cluster, type RecordingClient } from './support/nodes';
import { startRedisServer, type RedisServer } from '../../scripts/cluster-lib.mjs';
import { bearer, type TestApp } from './support/test-app';

/**
 * Presence across two nodes sharing a private Redis (DESIGN 5, issue 3 point 7): who views a board and each
 * agent's status are pushed on `workflow:<id>` and `agents` to subscribers on the other node, and a crashed
 * node's viewers and agents disappear within one TTL plus one heartbeat.
 */
describe('presence across nodes', () => {
  let redis: RedisServer;
  let cluster: Cluster;
  const clients: RecordingClient[] = [];
  const track = (client: RecordingClient) => (clients.push(client), client);

  beforeAll(async () => {
    redis = await startRedisServer();
    cluster = await startCluster(redis.url);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  const lastPresence = (client: RecordingClient, workflowId: string): Viewer[] | undefined => {
    const events = client.ephemeral.filter(
      (e): e is Extract<EphemeralEvent, { type: 'presence.changed' }> =>
        e.type === 'presence.changed' && e.data.workflowId === workflowId,
    );
    return events[events.length - 1]?.data.viewers;
  };
  const statusesOf = (client: RecordingClient, agentId: string) =>
    client.ephemeral
      .filter((e) => e.type === 'agent.status' && e.data.agentId === agentId)
      .map((e) => (e.data as { status: string }).status);
  const statusOn = async (node: TestApp, agentId: string) =>
    ((await node.http.get(`/api/agents/${agentId}`).set(bearer(node.adminToken)).expect(200)).body as Agent).status;
  const names = (viewers: Viewer[] | undefined) => (viewers ?? []).map((v) => `${v.type}:${v.name}`);

  it('pushes who views a board (users and agents) and agent status to subscribers on the other node', async () => {
    const { a, b } = cluster;
    const workflow = await a.workflow();
    const channel = workflowChannel(workflow.id);
    const viewer = await a.user('viewer', 'Vic Viewer');
    const agent = await a.agent([workflow.id], 'remote-bot');

    const watcher = track(recordingClient(a.url, a.adminToken));
    await watcher.subscribe(channel);
    await watcher.subscribe('agents');
    await waitFor('own presence', () => names(lastPresence(watcher, workflow.id)).length === 1);

    // A user and an agent open the board on node B; the watcher on node A sees both.
    const human = track(recordingClient(b.url, viewer.token));
    await human.subscribe(channel);
    const bot = track(recordingClient(b.url, agent.key));
    await bot.subscribe(channel);
    await waitFor('both remote viewers on A', () => names(lastPresence(watcher, workflow.id)).length === 3);
    expect(lastPresence(watcher, workflow.id)).toEqual(
      expect.arrayContaining([
        { type: 'human', id: viewer.id, name: 'Vic Viewer' },
        { type: 'agent', id: agent.id, name: 'remote-bot' },
      ]),
    );

    // Agent status from its connection on B: online, then busy, pushed on `agents` to A and read through A.
    await waitFor('online pushed', () => statusesOf(watcher, agent.id).includes('online'));
    expect(await statusOn(a, agent.id)).toBe('online');
    await bot.client.setStatus('busy');
    await waitFor('busy pushed', () => statusesOf(watcher, agent.id).includes('busy'));
    expect(await statusOn(a, agent.id)).toBe('busy');

    // Leaving: the human unsubscribes, the agent disconnects.
    human.client.unsubscribe(channel);
    await waitFor('human left', () => !names(lastPresence(watcher, workflow.id)).includes('human:Vic Viewer'));
    bot.close();
    await waitFor('offline pushed', () => statusesOf(watcher, agent.id).includes('offline'));
    expect(statusesOf(watcher, agent.id)).toEqual(['online', 'busy', 'offline']);
    expect(await statusOn(a, agent.id)).toBe('offline');
    await waitFor('agent left', () => names(lastPresence(watcher, workflow.id)).length === 1);
  });

  it("a crashed node's viewers and agents disappear within a TTL and a heartbeat", async () => {
    const { a, b } = cluster;
    const workflow = await a.workflow();
    const channel = workflowChannel(workflow.id);
    const viewer = await a.user('viewer', 'Cora Crashed');
    const agent = await a.agent([workflow.id], 'crashed-bot');

    const watcher = track(recordingClient(a.url, a.adminToken));
    await watcher.subscribe(channel);
    await watcher.subscribe('agents');
    const human = track(recordingClient(b.url, viewer.token));
    await human.subscribe(channel);
    const bot = track(recordingClient(b.url, agent.key));
    await bot.subscribe(channel);
    await bot.client.setStatus('busy');
    await waitFor('remote viewers on A', () => names(lastPresence(watcher, workflow.id)).length === 3);
    await waitFor('busy pushed', () => statusesOf(watcher, agent.id).includes('busy'));
    const pushesBefore = watcher.ephemeral.length;

    // Node B dies without cleaning up: its presence connection goes first, so nothing it does on the way out
    // reaches Redis (its entries stay until their TTL), and its heartbeat stops with the app.
    b.app.get(RealtimeRedis).cmd.destroy();
    const crashed = Date.now();
    await b.close();
    expect(await statusOn(a, agent.id)).toBe('busy');

    const deadline = PRESENCE_TTL_MS + 2 * PRESENCE_HEARTBEAT_MS + 2000;
    await waitFor('crashed viewers gone', () => names(lastPresence(watcher, workflow.id)).length === 1, deadline);
    await waitFor('offline pushed', () => statusesOf(watcher, agent.id).includes('offline'), deadline);
    expect(Date.now() - crashed).toBeLessThan(deadline);
    // It went by expiry, not by a removal at close: nothing changed for a good part of the TTL.
    expect(Date.now() - crashed).toBeGreaterThan(PRESENCE_TTL_MS - PRESENCE_HEARTBEAT_MS);
    expect(watcher.ephemeral.length).toBeGreaterThan(pushesBefore);
    expect(names(lastPresence(watcher, workflow.id))).not.toContain('human:Cora Crashed');
    expect(names(lastPresence(watcher, workflow.id))).not.toContain('agent:crashed-bot');
    expect(await statusOn(a, agent.id)).toBe('offline');
  }, 60_000);
});
