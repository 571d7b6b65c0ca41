import type { Socket } from 'socket.io-client';
import type { EventEnvelope, Suggestion, Task } from '@tandem/shared';
import { workflowChannel } from '@tandem/shared';
import { agentSees, agentViewFilter, channelFilter } from '../src/realtime/channel-membership';
import { connected, rawSocket, recordingClient, waitFor, type RecordingClient } from './support/nodes';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import { suggest } from './suggestions-helpers';

/**
 * On `workflow:<id>` an agent gets what REST lets it read (issue 11 point 7): not other agents' suggestions. Its
 * events' `prev` runs within that view, live and replayed, so its client sees no gap to repair.
 */
describe("an agent's view of a board", () => {
  let t: TestApp;
  const sockets: Socket[] = [];
  const clients: RecordingClient[] = [];
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => t.close());

  /** The agent's view of the channel read from the audit log with the SQL filters. */
  async function viewOf(channel: string, agentId: string | null): Promise<number[]> {
    const filters = [channelFilter(channel)!, ...(agentId ? [agentViewFilter(agentId)] : [])];
    let index = 0;
    const where = filters.map((f) => `(${f.where})`).join(' and ');
    const sql = where.replace(/\?/g, () => `$${(index += 1)}`);
    const rows = await t.sql<{ seq: string }>(
      `select seq from audit_log where ${sql} order by seq`,
      filters.flatMap((f) => f.params),
    );
    return rows.map((row) => Number(row.seq));
  }

  async function rawWatcher(token: string, channel: string, since?: number) {
    const socket = rawSocket(t.url, { token });
    sockets.push(socket);
    const events: EventEnvelope[] = [];
    socket.on('event', (envelope: EventEnvelope) => events.push(envelope));
    await connected(socket);
    const ack = await socket.emitWithAck('subscribe', since === undefined ? { channel } : { channel, since });
    expect(ack).toMatchObject({ ok: true });
    return events;
  }

  it("leaves other agents' suggestions out, live and in replays, with prev chained inside the view", async () => {
    const workflow = await t.workflow();
    const channel = workflowChannel(workflow.id);
    const mine = await t.agent([workflow.id]);
    const theirs = await t.agent([workflow.id]);
    const approver = await t.user('approver');
    const start = await t.lastSeq();

    const live = await rawWatcher(mine.key, channel);
    const human = await rawWatcher(approver.token, channel);
    const client = recordingClient(t.url, mine.key);
    clients.push(client);
    let resubscribes = 0;
    const socketOf = () => (client.client as unknown as { socket: Socket | null }).socket;
    expect(await client.subscribe(channel)).toMatchObject({ ok: true });
    socketOf()!.onAnyOutgoing((event) => event === 'subscribe' && (resubscribes += 1));

    const task = (
      await t.http.post(`/api/workflows/${workflow.id}/tasks`).set(bearer(theirs.key)).send({ title: 'shared' })
    ).body as Task;
    const secret = await suggest(t, theirs.key, {
      taskId: task.id,
      kind: 'task.update',
      payload: { title: 'secret plan' },
    });
    const own = await suggest(t, mine.key, { taskId: task.id, kind: 'task.update', payload: { labels: ['mine'] } });
    await t.http
      .post(`/api/suggestions/${secret.id}/decision`)
      .set(bearer(approver.token))
      .send({ decision: 'approve', revision: 1 })
      .expect(200);
    await t.http
      .post(`/api/suggestions/${own.id}/decision`)
      .set(bearer(approver.token))
      .send({ decision: 'reject', revision: 1, note: 'no' })
      .expect(200);
    // REST refuses the other agent's suggestion to this agent.
    await t.http.get(`/api/suggestions/${secret.id}`).set(bearer(mine.key)).expect(403);

    const expected = (await viewOf(channel, mine.id)).filter((seq) => seq > start);
    const everything = (await viewOf(channel, null)).filter((seq) => seq > start);
    expect(expected.length).toBeLessThan(everything.length);
    await waitFor('the human sees everything', () => human.length === everything.length);
    await waitFor('the agent sees its view', () => live.length === expected.length);
    await waitFor('the client sees its view', () => client.seqs(channel).length === expected.length);

    for (const events of [live, client.events]) {
      expect(events.map((e) => e.seq)).toEqual(expected);
      const suggestionIds = events
        .filter((e) => e.type.startsWith('suggestion.'))
        .map((e) => (e.data as Suggestion).id);
      expect(new Set(suggestionIds)).toEqual(new Set([own.id]));
      expect(events.every((e) => agentSees(e, mine.id))).toBe(true);
    }
    // prev runs within the view: the first event's prev is the view's previous seq, then each the one before.
    const before = (await viewOf(channel, mine.id)).filter((seq) => seq <= start).at(-1) ?? 0;
    expect(live.map((e) => e.prev)).toEqual([before, ...expected.slice(0, -1)]);
    expect(resubscribes).toBe(0);
    // The approved suggestion's effect on the task (a task event) is visible: REST shows the task too.
    expect(live.some((e) => e.type === 'task.updated')).toBe(true);

    // A replay from the start gives the same view, with the same prevs.
    const replayed = await rawWatcher(mine.key, channel, start);
    expect(replayed.map((e) => [e.seq, e.prev])).toEqual(live.map((e) => [e.seq, e.prev]));
    expect(human.map((e) => e.seq)).toEqual(everything);
  });
});
