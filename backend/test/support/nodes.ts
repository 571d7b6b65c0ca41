import { io, type Socket } from 'socket.io-client';
import {
  TandemClient,
  type EphemeralEvent,
  type EventEnvelope,
  type SubscribeAck,
  type Workflow,
} from '@tandem/shared';
import { createTestDatabase, startTestApp, type TestApp } from './test-app';
import { adminQuery } from './services';

/** Polls until `check` returns a truthy value (or throws with `what` after the timeout). */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A TandemClient that records every event it hands to listeners, per channel, in the order it did. */
export interface RecordingClient {
  client: TandemClient;
  events: EventEnvelope[];
  ephemeral: EphemeralEvent[];
  seqs(channel: string): number[];
  subscribe(channel: string, since?: number): Promise<SubscribeAck>;
  close(): void;
}

export function recordingClient(url: string, token: string): RecordingClient {
  const client = new TandemClient({ baseUrl: url, token, transports: ['websocket'] });
  const events: EventEnvelope[] = [];
  const ephemeral: EphemeralEvent[] = [];
  client.on('*', (envelope) => events.push(envelope));
  client.on('presence.changed', (event) => ephemeral.push(event));
  client.on('agent.status', (event) => ephemeral.push(event));
  return {
    client,
    events,
    ephemeral,
    seqs: (channel) => events.filter((event) => event.channel === channel).map((event) => event.seq),
    subscribe: (channel, since) => client.subscribe(channel, since === undefined ? {} : { since }),
    close: () => client.disconnect(),
  };
}

/** A bare socket.io-client, to see exactly what the server sends (no client-side repair or de-duplication). */
export function rawSocket(url: string, auth: Record<string, unknown>, headers?: Record<string, string>): Socket {
  return io(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: headers });
}

/** Resolves on connect, rejects with the `connect_error` message. */
export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

/** Changes a workflow once (PATCH with its current version): one audit entry, one event per channel. */
export async function touchWorkflow(t: TestApp, id: string, token = t.adminToken): Promise<Workflow> {
  const current = (await t.http.get(`/api/workflows/${id}`).set({ Authorization: `Bearer ${token}` })).body as Workflow;
  const response = await t.http
    .patch(`/api/workflows/${id}`)
    .set({ Authorization: `Bearer ${token}` })
    .send({ description: `touched ${Date.now()} ${Math.random()}`, version: current.version });
  if (response.status !== 200) throw new Error(`PATCH workflow: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Workflow;
}

/** Two backend nodes on two ports sharing one database and one Redis. */
export interface Cluster {
  a: TestApp;
  b: TestApp;
  close(): Promise<void>;
}

export async function startCluster(redisUrl: string): Promise<Cluster> {
  const database = await createTestDatabase();
  const a = await startTestApp({ database, redisUrl });
  const b = await startTestApp({ database, redisUrl });
  return {
    a,
    b,
    async close() {
      await Promise.allSettled([a.close(), b.close()]);
      await adminQuery(`drop database if exists ${database} with (force)`);
    },
  };
}
