import type { Agent, Channel, EventEnvelope, Page, SubscribeAck, Workflow } from '@tandem/shared';
import { REPLAY_LIMIT, workflowChannel } from '@tandem/shared';
import { SYSTEM } from '../src/common/caller';
import { AuditService } from '../src/core/audit.service';
import { channelFilter, channelsOf } from '../src/realtime/channel-membership';
import { loseNextEmits } from './support/faults';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import { connected, rawSocket, recordingClient, touchWorkflow, waitFor, type RecordingClient } from './support/nodes';

let t: TestApp;
const clients: RecordingClient[] = [];
const track = (client: RecordingClient) => (clients.push(client), client);

beforeAll(async () => {
  t = await startTestApp();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  await t.close();
});

/** Every event of `channel` after `since`, as (seq, prev) pairs, read from the audit log with the channel's filter. */
async function expectedOn(channel: Channel, since: number): Promise<Array<{ seq: number; prev: number }>> {
  const { where, params } = channelFilter(channel)!;
  let index = 0;
  const sql = where.replace(/\?/g, () => `$${(index += 1)}`);
  const rows = await t.sql<{ seq: string }>(`select seq from audit_log where ${sql} order by seq`, params);
  const seqs = rows.map((row) => Number(row.seq));
  return seqs.map((seq, i) => ({ seq, prev: i ? seqs[i - 1] : 0 })).filter((pair) => pair.seq > since);
}

describe('handshake', () => {
  it('refuses a connection without a valid token with connect_error unauthorized', async () => {
    for (const auth of [{}, { token: 'nope' }, { token: 'tdm_not-a-key' }]) {
      const socket = rawSocket(t.url, auth);
      await expect(connected(socket)).rejects.toThrow('unauthorized');
      socket.close();
    }
  });

  it('accepts a session token, an agent key, and the session cookie', async () => {
    const viewer = await t.user('viewer');
    const agent = await t.agent();
    const sockets = [
      rawSocket(t.url, { token: viewer.token }),
      rawSocket(t.url, { token: agent.key }),
      rawSocket(t.url, {}, { cookie: `tandem_session=${viewer.token}` }),
    ];
    await Promise.all(sockets.map(connected));
    for (const socket of sockets) socket.close();
  });
});

describe('channel authorization', () => {
  it('allows and refuses each channel by role and assignment, auditing every refusal', async () => {
    const workflow = await t.workflow();
    const other = await t.workflow();
    const [viewer, member, approver] = [await t.user('viewer'), await t.user('member'), await t.user('approver')];
    const agent = await t.agent([workflow.id]);
    const cases: Array<[string, string, boolean]> = [
      [viewer.token, 'workflows', true],
      [agent.key, 'workflows', false],
      [viewer.token, workflowChannel(workflow.id), true],
      [agent.key, workflowChannel(workflow.id), true],
      [agent.key, workflowChannel(other.id), false],
      [approver.token, 'queue', true],
      [member.token, 'queue', false],
      [agent.key, 'queue', false],
      [viewer.token, 'agents', true],
      [agent.key, 'agents', true],
      [t.adminToken, 'audit', true],
      [approver.token, 'audit', false],
      [agent.key, 'audit', false],
    ];
    for (const [token, channel, allowed] of cases) {
      const before = await t.lastSeq();
      const client = track(recordingClient(t.url, token));
      const ack = await client.subscribe(channel);
      expect({ channel, ok: ack.ok }).toEqual({ channel, ok: allowed });
      const denied = (await t.auditAfter(before)).filter((entry) => entry.action === 'access.denied');
      if (allowed) expect(denied).toHaveLength(0);
      else {
        expect(denied).toHaveLength(1);
        expect(denied[0]).toMatchObject({ outcome: 'denied', context: { channel } });
      }
      client.close();
    }
  });

  it('answers an unknown channel with an error', async () => {
    const client = track(recordingClient(t.url, t.adminToken));
    expect(await client.subscribe('nonsense')).toEqual({ ok: false, error: 'unknown channel "nonsense"' });
  });
});

describe('events', () => {
  it('emits each committed change on each of its channels, with seq, prev, type, actor and data', async () => {
    const workflow = await t.workflow();
    const channel = workflowChannel(workflow.id);
    const admin = track(recordingClient(t.url, t.adminToken));
    for (const name of [channel, 'workflows', 'audit']) expect((await admin.subscribe(name)).ok).toBe(true);
    const before = await t.lastSeq();
    const updated = await touchWorkflow(t, workflow.id);
    const [entry] = (await t.auditAfter(before)).filter((e) => e.action === 'workflow.updated');
    await waitFor('3 events', () => admin.events.length === 3);
    for (const name of [channel, 'workflows', 'audit'] as Channel[]) {
      const event = admin.events.find((e) => e.channel === name)!;
      const [expected] = await expectedOn(name, before);
      expect(event).toEqual({
        seq: entry.seq,
        prev: expected.prev,
        channel: name,
        type: 'workflow.updated',
        at: entry.at,
        actor: { type: 'human', id: entry.actor.id, name: entry.actor.name },
        data: updated,
      });
    }
  });

  it('puts an entry on exactly the channels whose SQL filter selects it', async () => {
    const workflow = await t.workflow();
    await touchWorkflow(t, workflow.id);
    await t.agent([workflow.id]);
    const entries = await t.auditAfter(0);
    const channels: Channel[] = ['workflows', 'queue', 'agents', 'audit', workflowChannel(workflow.id)];
    for (const channel of channels) {
      expect((await expectedOn(channel, 0)).map((pair) => pair.seq)).toEqual(
        entries.filter((entry) => channelsOf(entry).includes(channel)).map((entry) => entry.seq),
      );
    }
  });

  it('emits concurrent commits in seq order on every channel, prev chaining each to the one before', async () => {
    const workflows = await Promise.all([1, 2, 3, 4, 5].map(() => t.workflow()));
    const socket = rawSocket(t.url, { token: t.adminToken });
    await connected(socket);
    const received: EventEnvelope[] = [];
    socket.on('event', (envelope: EventEnvelope) => received.push(envelope));
    const ack = (await socket.emitWithAck('subscribe', { channel: 'workflows' })) as SubscribeAck;
    expect(ack.ok).toBe(true);
    const before = await t.lastSeq();
    await Promise.all(workflows.flatMap((workflow) => [touchWorkflow(t, workflow.id), t.workflow()]));
    const expected = await expectedOn('workflows', before);
    await waitFor('every event', () => received.length >= expected.length);
    expect(received.map(({ seq, prev }) => ({ seq, prev }))).toEqual(expected);
    socket.close();
  });
});

describe('replay and gap repair', () => {
  it('replays the events after `since` before the ack, in order, then continues live', async () => {
    const workflow = await t.workflow();
    const channel = workflowChannel(workflow.id);
    const since = await t.lastSeq();
    for (let i = 0; i < 5; i += 1) await touchWorkflow(t, workflow.id);
    const client = track(recordingClient(t.url, t.adminToken));
    const ack = await client.subscribe(channel, since);
    const expected = (await expectedOn(channel, since)).map((pair) => pair.seq);
    expect(ack).toEqual({ ok: true, head: expected[expected.length - 1], replayed: 5 });
    expect(client.seqs(channel)).toEqual(expected);
    await touchWorkflow(t, workflow.id);
    await waitFor('live event', () => client.seqs(channel).length === 6);
    expect(client.seqs(channel)).toEqual((await expectedOn(channel, since)).map((pair) => pair.seq));
  });

  it(`answers resync when more than ${REPLAY_LIMIT} events were missed`, async () => {
    const audit = t.app.get(AuditService);
    const since = await t.lastSeq();
    for (let i = 0; i <= REPLAY_LIMIT; i += 1) {
      await audit.recordDenied(SYSTEM, { requestId: null, ip: null, userAgent: null }, 'filler');
    }
    const client = track(recordingClient(t.url, t.adminToken));
    const resyncs: Array<[string, number]> = [];
    client.client.onResync((channel, head) => resyncs.push([channel, head]));
    const ack = await client.subscribe('audit', since);
    const head = await t.lastSeq();
    expect(ack).toEqual({ ok: true, head, replayed: 0, resync: true });
    expect(resyncs).toEqual([['audit', head]]);
    expect(client.events).toHaveLength(0);
  });

  it('exposes a lost emit through prev on the next event, and the client repairs it', async () => {
    const workflow = await t.workflow();
    const channel = workflowChannel(workflow.id);
    const client = track(recordingClient(t.url, t.adminToken));
    await client.subscribe(channel);
    const raw = rawSocket(t.url, { token: t.adminToken });
    await connected(raw);
    const rawEvents: EventEnvelope[] = [];
    raw.on('event', (envelope: EventEnvelope) => rawEvents.push(envelope));
    await raw.emitWithAck('subscribe', { channel });
    const since = await t.lastSeq();

    loseNextEmits(t.app, 1);
    const lost = await touchWorkflow(t, workflow.id);
    const last = await touchWorkflow(t, workflow.id);
    const expected = (await expectedOn(channel, since)).map((pair) => pair.seq);
    await waitFor('repair', () => client.seqs(channel).length === 2);
    expect(client.seqs(channel)).toEqual(expected);
    expect(client.events.map((event) => event.data)).toEqual([lost, last]);
    // What the server sent without repair: only the second, whose prev names the lost one.
    await waitFor('raw event', () => rawEvents.length === 1);
    expect(rawEvents[0]).toMatchObject({ seq: expected[1], prev: expected[0] });
    raw.close();
    // The state built from events equals the database.
    const fromDb = (await t.http.get(`/api/workflows/${workflow.id}`).set(bearer(t.adminToken))).body as Workflow;
    expect(client.events[client.events.length - 1].data).toEqual(fromDb);
  });
});

describe('presence', () => {
  it('pushes who views a board, and each agent status from its live connections', async () => {
    const workflow = await t.workflow();
    const channel = workflowChannel(workflow.id);
    const viewer = await t.user('viewer', 'Vera Viewer');
    const agent = await t.agent([workflow.id], 'presence-bot');
    const watcher = track(recordingClient(t.url, viewer.token));
    await watcher.subscribe(channel);
    await watcher.subscribe('agents');
    await waitFor('own presence', () =>
      watcher.ephemeral.some((e) => e.type === 'presence.changed' && e.data.viewers.some((v) => v.id === viewer.id)),
    );
    const statusOf = async () => {
      const page = (await t.http.get('/api/agents').query({ limit: 500 }).set(bearer(viewer.token)))
        .body as Page<Agent>;
      return page.items.find((item) => item.id === agent.id)!.status;
    };
    expect(await statusOf()).toBe('offline');

    const bot = track(recordingClient(t.url, agent.key));
    await bot.subscribe(channel);
    const lastPresence = () => [...watcher.ephemeral].reverse().find((e) => e.type === 'presence.changed');
    await waitFor('agent viewing', () => {
      const event = lastPresence();
      return event?.type === 'presence.changed' && event.data.viewers.length === 2;
    });
    expect(lastPresence()?.data).toEqual({
      workflowId: workflow.id,
      viewers: [
        { type: 'agent', id: agent.id, name: 'presence-bot' },
        { type: 'human', id: viewer.id, name: 'Vera Viewer' },
      ],
    });
    expect(await statusOf()).toBe('online');
    await bot.client.setStatus('busy');
    expect(await statusOf()).toBe('busy');
    const statuses = () => watcher.ephemeral.filter((e) => e.type === 'agent.status').map((e) => e.data);
    await waitFor('busy pushed', () => statuses().some((s) => s.status === 'busy'));

    bot.close();
    await waitFor('offline', async () => (await statusOf()) === 'offline');
    await waitFor('offline pushed', () => statuses().some((s) => s.agentId === agent.id && s.status === 'offline'));
    expect(statuses().filter((s) => s.agentId === agent.id)).toEqual([
      { agentId: agent.id, status: 'online' },
      { agentId: agent.id, status: 'busy' },
      { agentId: agent.id, status: 'offline' },
    ]);
    await waitFor('agent left the board', () => lastPresence()?.data.viewers.length === 1);
  });
});
