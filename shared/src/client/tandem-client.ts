import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  EphemeralEvent,
  EventEnvelope,
  ServerToClientEvents,
  StatusRequest,
  SubscribeAck,
} from '../events.js';
import type { AuditAction } from '../vocabulary.js';
import type { Notification } from '../notifications.js';
import type { Suggestion, Task } from '../entities.js';
import { RestClient, type RestClientOptions } from './rest-client.js';
import { inOrder } from './event-order.js';
import {
  isSettled,
  isTransient,
  toDecision,
  withRetries,
  type SuggestionDecision,
  type SuggestOptions,
  type SuggestRequest,
} from './suggest.js';

/** For a connection indicator: `live` once connected, `reconnecting` while it retries, `offline` when stopped. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface TandemClientOptions extends RestClientOptions {
  /** Where Socket.IO answers, when not at `baseUrl` (default: `baseUrl`, or the page's origin when ''). */
  socketUrl?: string;
  /** Socket.IO transports; the default tries polling then upgrades, which needs sticky sessions behind nginx. */
  transports?: Array<'websocket' | 'polling' | 'webtransport'>;
  /** How long to wait for a subscribe's ack before trying again. */
  ackTimeoutMs?: number;
}

type PresenceEvent = Extract<EphemeralEvent, { type: 'presence.changed' }>;
type AgentStatusEvent = Extract<EphemeralEvent, { type: 'agent.status' }>;
type AuditCheckpointEvent = Extract<EphemeralEvent, { type: 'audit.checkpoint' }>;
type AccessRevokedEvent = Extract<EphemeralEvent, { type: 'access.revoked' }>;
type Listener = (event: never) => void;

/** What the client knows about one channel it follows. */
interface ChannelState {
  /** The last seq applied on this channel; null until the first subscribe was acknowledged. */
  lastSeq: number | null;
  /** Counts subscribe attempts, so that a late ack of an abandoned attempt is ignored. */
  attempt: number;
  /** Set while a subscribe is in flight: events are held (replayed ones arrive before the ack) and sorted. */
  held: EventEnvelope[] | null;
  waiters: Array<(ack: SubscribeAck) => void>;
}

/**
 * The typed client agents and the frontend use: every REST route (DESIGN 9) plus the socket protocol
 * (DESIGN 5). It reconnects by itself, re-subscribes with `since` = the last seq it applied, repairs a gap
 * (an event whose `prev` is not the last seq it applied) by re-subscribing the same way, drops duplicates by
 * seq, and calls `onResync` listeners when the server says it is too far behind (refetch over REST then).
 * Listeners get each event once, in seq order per channel.
 */
export class TandemClient extends RestClient {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private socketUrl: string | undefined;
  private readonly transports: TandemClientOptions['transports'];
  private readonly ackTimeoutMs: number;
  private readonly channels = new Map<string, ChannelState>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly resyncListeners = new Set<(channel: string, head: number) => void>();
  private readonly errorListeners = new Set<(error: Error) => void>();
  private state: ConnectionState = 'offline';

  constructor(options: TandemClientOptions) {
    super(options);
    this.socketUrl = options.socketUrl;
    this.transports = options.transports;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Opens the socket (optionally to another node: subscriptions and their positions carry over). */
  connect(options: { url?: string } = {}): void {
    if (options.url !== undefined) this.socketUrl = options.url;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    const url = this.socketUrl ?? this.baseUrl;
    const socketOptions = {
      auth: this.token ? { token: this.token } : {},
      withCredentials: true,
      // One connection per client, even when two clients (two users in a test, two tabs' workers) share a URL.
      forceNew: true,
      transports: this.transports,
    };
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = url ? io(url, socketOptions) : io(socketOptions);
    this.socket = socket;
    this.setState('connecting');
    socket.on('connect', () => {
      this.setState('live');
      for (const channel of this.channels.keys()) this.resubscribe(channel);
    });
    socket.on('disconnect', () => {
      this.setState(socket.active ? 'reconnecting' : 'offline');
      // Subscribes in flight will never be acknowledged; the reconnect sends them again.
      for (const state of this.channels.values()) state.attempt += 1;
    });
    socket.on('connect_error', (error) => {
      this.setState(socket.active ? 'reconnecting' : 'offline');
      if (!socket.active) this.emitError(error);
    });
    socket.on('event', (envelope) => this.receive(envelope));
    socket.on('notification', (notification) => this.dispatch('notification', notification));
    socket.on('ephemeral', (event) => {
      if (event.type === 'access.revoked') this.revoked(event);
      this.dispatch(event.type, event);
    });
  }

  /** Closes the socket; subscriptions and positions are kept for the next `connect()`. */
  disconnect(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.removeAllListeners();
    socket?.disconnect();
    for (const state of this.channels.values()) state.attempt += 1;
    this.setState('offline');
  }

  /**
   * Follows a channel. With `since`, events after that seq are replayed first. Resolves with the server's ack
   * (`{ok: false, error}` when refused: the channel is then forgotten). Connects first if needed.
   */
  subscribe(channel: string, options: { since?: number } = {}): Promise<SubscribeAck> {
    const state: ChannelState = this.channels.get(channel) ?? { lastSeq: null, attempt: 0, held: null, waiters: [] };
    if (options.since !== undefined) state.lastSeq = options.since;
    this.channels.set(channel, state);
    const acknowledged = new Promise<SubscribeAck>((resolve) => state.waiters.push(resolve));
    if (!this.socket) this.connect();
    else if (this.socket.connected) this.resubscribe(channel);
    return acknowledged;
  }

  unsubscribe(channel: string): void {
    this.channels.delete(channel);
    if (this.socket?.connected) this.socket.emit('unsubscribe', { channel });
  }

  /** The last seq applied per channel (e.g. to persist, and pass as `since` later). */
  positions(): Record<string, number | null> {
    return Object.fromEntries([...this.channels].map(([channel, state]) => [channel, state.lastSeq]));
  }

  /** An agent reports whether it is busy (shown live on the agents page). */
  async setStatus(status: StatusRequest['status']): Promise<void> {
    const socket = this.socket;
    if (!socket) throw new Error('not connected: call connect() first');
    if (!socket.connected) {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    }
    const result = (await socket.timeout(this.ackTimeoutMs).emitWithAck('status', { status })) as {
      ok: boolean;
      error?: string;
    };
    if (!result.ok) throw new Error(result.error ?? 'status refused');
  }

  /** Calls `listener` for each event of that type (`'*'`: every event), once each, in seq order per channel. */
  on(type: 'presence.changed', listener: (event: PresenceEvent) => void): () => void;
  on(type: 'agent.status', listener: (event: AgentStatusEvent) => void): () => void;
  on(type: 'audit.checkpoint', listener: (event: AuditCheckpointEvent) => void): () => void;
  on(type: 'access.revoked', listener: (event: AccessRevokedEvent) => void): () => void;
  /** A new notification for the signed-in person (their own room; nothing to subscribe to). */
  on(type: 'notification', listener: (notification: Notification) => void): () => void;
  on(type: AuditAction | '*', listener: (envelope: EventEnvelope) => void): () => void;
  on(type: string, listener: (event: never) => void): () => void {
    const set = this.listeners.get(type) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(type, set);
    return () => set.delete(listener);
  }

  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** The channel was too far behind to replay: refetch its state over REST; events continue after `head`. */
  onResync(listener: (channel: string, head: number) => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** Connection refused for good (e.g. `unauthorized`), or a subscription refused. */
  onError(listener: (error: Error) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /**
   * Hands a decision to a human (DESIGN 7): posts the suggestion (retried with one Idempotency-Key, so a retry
   * after a lost answer or a node restart never makes a second one) and resolves with the decision. It listens
   * on the socket when connected and long-polls at the same time, so it survives disconnects and restarts.
   */
  async suggest(request: SuggestRequest, options: SuggestOptions = {}): Promise<SuggestionDecision> {
    const key = options.idempotencyKey ?? globalThis.crypto.randomUUID();
    const suggestion = await withRetries(() => this.createSuggestion(request, key), options.signal);
    return this.waitForDecision(suggestion, options);
  }

  /** Resolves when the suggestion is decided, expires, is withdrawn, or is sent back for changes. */
  waitForDecision(suggestion: Suggestion, options: { signal?: AbortSignal } = {}): Promise<SuggestionDecision> {
    if (isSettled(suggestion)) return Promise.resolve(toDecision(suggestion));
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(options.signal?.reason), { once: true });
    return new Promise<SuggestionDecision>((resolve, reject) => {
      const finish = (outcome: () => void) => {
        if (stop.signal.aborted && !options.signal?.aborted) return;
        stopListening();
        stop.abort();
        outcome();
      };
      const stopListening = this.on('*', (envelope) => {
        const data = envelope.data as Suggestion | null;
        if (envelope.type.startsWith('suggestion.') && data?.id === suggestion.id && isSettled(data)) {
          finish(() => resolve(toDecision(data)));
        }
      });
      const channel = `workflow:${suggestion.workflowId}`;
      if (this.socket && !this.channels.has(channel)) void this.subscribe(channel);
      const poll = async () => {
        while (!stop.signal.aborted) {
          const current = await withRetries(
            () => this.getSuggestion(suggestion.id, { wait: 30, signal: stop.signal }),
            stop.signal,
          );
          if (isSettled(current)) return finish(() => resolve(toDecision(current)));
        }
      };
      poll().catch((error: unknown) => {
        if (!stop.signal.aborted || options.signal?.aborted)
          finish(() => reject(error instanceof Error ? error : new Error(String(error))));
      });
    });
  }

  /**
   * Claims a task and renews the lease at half its TTL for as long as this agent runs (the claim's heartbeat): if
   * the agent dies the renewals stop and the lease runs out by itself. Renewing stops by itself when the claim is
   * lost for good (a human broke it, the task finished or was deleted); `release()` stops it and releases.
   */
  async holdClaim(taskId: string, options: { ttlSeconds?: number; onLost?: (error: Error) => void } = {}) {
    const ttlSeconds = options.ttlSeconds ?? 60;
    let task = await this.claimTask(taskId, { ttlSeconds });
    const timer = setInterval(() => {
      this.claimTask(taskId, { ttlSeconds }).then(
        (renewed) => (task = renewed),
        (error: unknown) => {
          if (isTransient(error)) return;
          clearInterval(timer);
          options.onLost?.(error instanceof Error ? error : new Error(String(error)));
        },
      );
    }, ttlSeconds * 500);
    // In Node, the renewals alone do not keep an agent process alive.
    (timer as { unref?: () => void }).unref?.();
    return {
      get task(): Task {
        return task;
      },
      release: async (): Promise<Task> => {
        clearInterval(timer);
        task = await this.releaseTask(taskId);
        return task;
      },
    };
  }

  private setState(state: ConnectionState) {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private emitError(error: Error) {
    for (const listener of this.errorListeners) listener(error);
  }

  /**
   * The server took a channel away: tell the app why. A channel lost for good (`forbidden`) is forgotten, so that a
   * reconnect does not ask for it again; with `unauthorized` the server disconnects next and positions are kept, in
   * case the app reconnects with a credential that still holds (e.g. after changing its own password).
   */
  private revoked(event: AccessRevokedEvent) {
    if (event.data.reason === 'forbidden') this.channels.delete(event.data.channel);
    this.emitError(new Error(`${event.data.reason}: ${event.data.message}`));
  }

  private dispatch(type: string, event: EventEnvelope | EphemeralEvent | Notification) {
    for (const listener of this.listeners.get(type) ?? []) (listener as (event: unknown) => void)(event);
  }

  /** (Re)subscribes from the last applied seq: the server replays what was missed, then goes live. */
  private resubscribe(channel: string) {
    const state = this.channels.get(channel);
    const socket = this.socket;
    if (!state || !socket?.connected) return;
    state.attempt += 1;
    const attempt = state.attempt;
    const since = state.lastSeq ?? undefined;
    state.held = [];
    socket
      .timeout(this.ackTimeoutMs)
      .emitWithAck('subscribe', since === undefined ? { channel } : { channel, since })
      .then(
        (ack: SubscribeAck) => {
          if (this.channels.get(channel) === state && state.attempt === attempt) this.acknowledged(channel, state, ack);
        },
        () => {
          // No ack in time: try again if this attempt is still the current one and the socket is up.
          if (this.channels.get(channel) === state && state.attempt === attempt) this.resubscribe(channel);
        },
      );
  }

  private acknowledged(channel: string, state: ChannelState, ack: SubscribeAck) {
    const held = state.held ?? [];
    state.held = null;
    if (!ack.ok) {
      this.channels.delete(channel);
      this.emitError(new Error(`subscribe ${channel}: ${ack.error}`));
    } else if (ack.resync || state.lastSeq === null) {
      state.lastSeq = ack.head;
      if (ack.resync) for (const listener of this.resyncListeners) listener(channel, ack.head);
    }
    for (const waiter of state.waiters.splice(0)) waiter(ack);
    if (!ack.ok) return;
    this.apply(channel, state, held);
  }

  private receive(envelope: EventEnvelope) {
    const state = this.channels.get(envelope.channel);
    if (!state) return;
    if (state.held) state.held.push(envelope);
    else this.apply(envelope.channel, state, [envelope]);
  }

  /** Applies the events in seq order, duplicates skipped; at a gap, asks for a replay of the rest instead. */
  private apply(channel: string, state: ChannelState, envelopes: EventEnvelope[]) {
    const { ready, gap } = inOrder(state.lastSeq, envelopes);
    for (const envelope of ready) {
      state.lastSeq = envelope.seq;
      this.dispatch(envelope.type, envelope);
      this.dispatch('*', envelope);
    }
    if (gap) this.resubscribe(channel);
  }
}
