import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { parseCookie } from 'cookie';
import {
  parseChannel,
  type Channel,
  type ClientToServerEvents,
  type EventEnvelope,
  type ServerToClientEvents,
  type StatusRequest,
  type SubscribeAck,
  type SubscribeRequest,
  type UnsubscribeRequest,
} from '@tandem/shared';
import { SESSION_COOKIE } from '../common/auth.guard';
import { originAllowed } from '../common/origin';
import { loadConfig } from '../config';
import type { Caller, RequestMeta } from '../common/caller';
import { EventBus, type CommittedEntry } from '../core/event-bus';
import {
  eventsEmitted,
  replayedEvents,
  replaysServed,
  slowConsumersDropped,
  socketConnections,
} from '../common/metrics';
import { RateLimitService } from '../common/rate-limit';
import { AuthService } from '../modules/auth/auth.service';
import { ChannelAccess } from './channel-access.service';
import { agentSees } from './channel-membership';
import { EventLog } from './event-log.service';
import { EventStream, streamEntryOf, type StreamEntry } from './event-stream';
import { PresenceService } from './presence.service';
import { SocketAuthority } from './socket-authority.service';
import { REALTIME_OPTIONS, type RealtimeOptions } from './realtime.options';

/**
 * One socket's subscription to one channel. While it replays, the socket is not in the channel's room: live
 * events are held in `buffer` and `lastSent` drops what the replay already sent. After that it is a room member
 * (`buffer` null) and gets events from the room broadcast, in the stream's order.
 */
interface Subscription {
  lastSent: number;
  buffer: EventEnvelope[] | null;
  /**
   * An agent on a board sees it without other agents' suggestions (`agentSees`); `lastSeen` is the channel's last
   * seq this subscription has accounted for, sent or left out, so `prev` can be given within the agent's view.
   */
  agentView: { agentId: string; lastSeen: number } | null;
}

/** A subscription served per socket rather than by the room broadcast (see `RealtimeGateway.direct`). */
type DirectSubscription = Subscription & { socket: TandemSocket };

/** The sockets of a board's channel that see it through an agent's filter: left out of its room broadcast. */
const agentViewRoom = (channel: Channel) => `agent-view:${channel}`;

interface SocketData {
  caller: Caller;
  meta: RequestMeta;
  subscriptions: Map<Channel, Subscription>;
}

export type TandemServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type TandemSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The server-side event that carries committed entries from the node that committed them to the others. */
const FAN_OUT_EVENT = 'tandem:entries';

/**
 * Each signed-in person's own room: every socket of that user, on any node, joins it on connect; it is not a
 * channel, so nobody can subscribe to it. Notifications go there (through the Redis adapter to every node).
 */
const userRoom = (userId: string) => `user:${userId}`;

const isSeq = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * The only place that knows Socket.IO (DESIGN 5). Committed audit entries reach every node (this one's from its
 * bus, the others' through the Redis adapter's server-side emit); each node's `EventStream` puts them in seq
 * order and makes the envelopes, and each envelope goes to the node's subscribers as one room broadcast (encoded
 * once per node, not once per socket). A subscription that replays stays out of the room and holds live events
 * back until its replay is sent, then joins: each event exactly once, in order.
 */
@WebSocketGateway({ cors: { origin: true, credentials: true } })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  @WebSocketServer() private server!: TandemServer;
  private readonly logger = new Logger('Realtime');
  private stopListening: () => void = () => undefined;
  private stopNotifying: () => void = () => undefined;
  private stopEphemeral: () => void = () => undefined;
  /** Packets that may wait in a socket's write buffer (it stopped reading) before the node drops it. */
  private readonly bufferLimit = loadConfig().socketMaxBufferedEvents;
  /** Channel → this node's subscriptions to it served per socket: still replaying, or an agent's filtered view. */
  private readonly direct = new Map<Channel, Set<DirectSubscription>>();
  private readonly stream: EventStream;
  private readonly corsOrigins = loadConfig().corsOrigins;

  constructor(
    private readonly auth: AuthService,
    private readonly access: ChannelAccess,
    private readonly log: EventLog,
    private readonly bus: EventBus,
    private readonly presence: PresenceService,
    private readonly rateLimit: RateLimitService,
    private readonly authority: SocketAuthority,
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeOptions,
  ) {
    this.stream = new EventStream(log, (envelopes) => this.deliver(envelopes), loadConfig().realtimeReorderWaitMs);
  }

  afterInit(server: TandemServer): void {
    server.use((socket, next) => {
      this.authenticate(socket).then(
        (verdict) => next(verdict === true ? undefined : new Error(verdict || 'unauthorized')),
        () => next(new Error('unauthorized')),
      );
    });
    (server.sockets as unknown as { on(event: string, listener: (entries: StreamEntry[]) => void): void }).on(
      FAN_OUT_EVENT,
      (entries) => {
        this.stream.push(entries);
        this.bus.publishFromPeers(entries);
      },
    );
    this.stopListening = this.bus.onCommitted((committed) => this.publish(committed));
    this.stream.start().catch((error: unknown) => this.logger.error(`event stream did not start: ${String(error)}`));
    this.stopNotifying = this.bus.onNotifications((notices) => {
      for (const { userId, notification } of notices) server.to(userRoom(userId)).emit('notification', notification);
    });
    // Through the adapter, so subscribers on every node get it (e.g. a signed audit checkpoint).
    this.stopEphemeral = this.bus.onEphemeral((event) => server.to(event.channel).emit('ephemeral', event));
    this.authority.attach(server, (socket, channel) => this.leave(socket, channel));
    this.presence.publish = (event) => server.to(event.channel).emit('ephemeral', event);
    this.presence.localChannels = () => [...server.sockets.adapter.rooms.keys()].filter((room) => parseChannel(room));
    this.presence.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopListening();
    this.stopNotifying();
    this.stopEphemeral();
    this.authority.detach();
    this.stream.stop();
    await this.presence.stop();
  }

  /** True, or why not: `unauthorized`, or `origin_not_allowed` for a cookie sent from another site's page. */
  private async authenticate(socket: TandemSocket): Promise<true | 'unauthorized' | 'origin_not_allowed'> {
    const { auth, headers } = socket.handshake;
    const explicit =
      (typeof auth?.token === 'string' && auth.token) || headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const token = explicit || (headers.cookie ? parseCookie(headers.cookie)[SESSION_COOKIE] : undefined);
    // Cross-site WebSocket hijacking: a cookie rides along from any page, so only trusted origins may use it.
    if (!explicit && token && !originAllowed(headers, this.corsOrigins)) return 'origin_not_allowed';
    const caller = token ? await this.auth.resolve(token) : null;
    if (!caller) return 'unauthorized';
    const userAgent = headers['user-agent'];
    socket.data = {
      caller,
      meta: { requestId: null, ip: socket.handshake.address || null, userAgent: userAgent ?? null },
      subscriptions: new Map(),
    };
    return true;
  }

  handleConnection(socket: TandemSocket): void {
    socketConnections.inc();
    socket.on('subscribe', (request: SubscribeRequest, ack) => {
      const reply = (result: SubscribeAck) => typeof ack === 'function' && ack(result);
      void this.withinBudget(socket)
        .then((allowed) => (allowed ? this.subscribe(socket, request) : { ok: false as const, error: 'rate_limited' }))
        .then(reply, (error: unknown) => {
          this.logger.error(`subscribe failed: ${String(error)}`);
          reply({ ok: false, error: 'unavailable' });
        });
    });
    socket.on('unsubscribe', (request: UnsubscribeRequest, ack) => {
      void this.unsubscribe(socket, request).then(() => typeof ack === 'function' && ack({ ok: true }));
    });
    socket.on('status', (request: StatusRequest, ack) => {
      const reply = (result: { ok: boolean; error?: string }) => typeof ack === 'function' && ack(result);
      const { caller } = socket.data;
      const status = request?.status;
      if (caller.type !== 'agent' || (status !== 'online' && status !== 'busy' && status !== 'idle')) {
        reply({ ok: false, error: 'only agents report a status: online, busy or idle' });
        return;
      }
      void this.withinBudget(socket).then(async (allowed) => {
        if (!allowed) return reply({ ok: false, error: 'rate_limited' });
        await this.presence.agentConnected(this.socketKey(socket), caller.id, status);
        reply({ ok: true });
      });
    });
    const { caller } = socket.data;
    if (caller.type === 'agent') void this.presence.agentConnected(this.socketKey(socket), caller.id);
    if (caller.type === 'human') void socket.join(userRoom(caller.id));
  }

  /** Socket messages share the caller's budget (per user, per agent key), so a noisy agent cannot starve others. */
  private async withinBudget(socket: TandemSocket): Promise<boolean> {
    return (await this.rateLimit.check(socket.data.caller, 'socket')).allowed;
  }

  handleDisconnect(socket: TandemSocket): void {
    socketConnections.dec();
    for (const [channel, subscription] of socket.data.subscriptions ?? []) this.removeDirect(channel, subscription);
    void this.presence.disconnected(this.socketKey(socket));
  }

  private socketKey(socket: TandemSocket): string {
    return `${this.options.nodeId}:${socket.id}`;
  }

  /**
   * Joins the room first and holds live events back, then replays from the audit log, then releases the held
   * events that the replay did not cover: no gap and no duplicate between replay and live.
   */
  private async subscribe(socket: TandemSocket, request: SubscribeRequest): Promise<SubscribeAck> {
    const since = request?.since;
    if (typeof request?.channel !== 'string') return { ok: false, error: 'channel is required' };
    if (since !== undefined && since !== null && !isSeq(since)) return { ok: false, error: 'since must be a seq' };
    // Authority as it is now, not as it was at connect time (a revoked credential is disconnected here).
    const epoch = this.authority.epoch(socket);
    const caller = await this.authority.current(socket);
    if (!caller) return { ok: false, error: 'unauthorized' };
    const { meta, subscriptions } = socket.data;
    const decision = await this.access.authorize(caller, meta, request.channel);
    if (!decision.ok) return decision;
    const { channel } = decision;
    const agentId = caller.type === 'agent' && channel.startsWith('workflow:') ? caller.id : undefined;
    const previous = subscriptions.get(channel);
    if (previous) this.removeDirect(channel, previous);
    // Out of the room while replaying: live events wait in the buffer (re-subscribing, e.g. to repair a gap).
    await socket.leave(channel);
    await socket.leave(agentViewRoom(channel));
    const subscription: DirectSubscription = { socket, lastSent: 0, buffer: [], agentView: null };
    subscriptions.set(channel, subscription);
    this.addDirect(channel, subscription);
    let ack: SubscribeAck;
    try {
      // Read before the replay: every entry up to it is either replayed or left out of the agent's view.
      if (agentId) subscription.agentView = { agentId, lastSeen: await this.stream.head(channel) };
      if (isSeq(since)) {
        const replay = await this.log.replay(channel, since, agentId);
        replaysServed.inc({ outcome: replay.resync ? 'resync' : 'replayed' });
        replayedEvents.inc(replay.resync ? 0 : replay.events.length);
        if (replay.resync) {
          subscription.lastSent = replay.head;
          ack = { ok: true, head: replay.head, replayed: 0, resync: true };
        } else {
          subscription.lastSent = since;
          for (const envelope of replay.events) this.send(socket, subscription, envelope);
          ack = { ok: true, head: replay.head, replayed: replay.events.length };
        }
      } else {
        subscription.lastSent = agentId ? await this.log.head(channel, agentId) : await this.stream.head(channel);
        ack = { ok: true, head: subscription.lastSent, replayed: 0 };
      }
    } catch (error) {
      this.removeDirect(channel, subscription);
      if (subscriptions.get(channel) === subscription) subscriptions.delete(channel);
      throw error;
    }
    if (subscriptions.get(channel) !== subscription || !socket.connected) {
      this.removeDirect(channel, subscription);
      return ack;
    }
    // Same tick: the held events go out, then the socket joins the room for every later one.
    const held = subscription.buffer ?? [];
    subscription.buffer = null;
    for (const envelope of held) this.forward(socket, subscription, envelope);
    // An agent's filtered view of a board stays on the per-socket path; everyone else gets the room broadcast.
    if (!subscription.agentView) this.removeDirect(channel, subscription);
    void socket.join(subscription.agentView ? [channel, agentViewRoom(channel)] : channel);
    const workflowId = parseChannel(channel);
    if (workflowId?.kind === 'workflow' && caller.type !== 'system') {
      const viewer = { type: caller.type, id: caller.id, name: caller.name };
      // The newcomer gets the board's presence at once; with Redis down it gets it on the next change.
      this.presence
        .joinBoard(this.socketKey(socket), viewer, workflowId.workflowId)
        .then(() => this.presence.boardPresence(workflowId.workflowId))
        .then(
          (data) => socket.emit('ephemeral', { channel, type: 'presence.changed', at: new Date().toISOString(), data }),
          () => undefined,
        );
    }
    // An access change landed while this subscribe was checking: check again, with what is committed now.
    if (this.authority.epoch(socket) !== epoch) void this.authority.revalidate(socket);
    return ack;
  }

  private async unsubscribe(socket: TandemSocket, request: UnsubscribeRequest): Promise<void> {
    const parsed = typeof request?.channel === 'string' ? parseChannel(request.channel) : null;
    if (!parsed) return;
    await this.leave(socket, parsed.kind === 'workflow' ? `workflow:${parsed.workflowId}` : parsed.kind);
  }

  private async leave(socket: TandemSocket, channel: Channel): Promise<void> {
    const subscription = socket.data.subscriptions.get(channel);
    if (subscription) this.removeDirect(channel, subscription);
    socket.data.subscriptions.delete(channel);
    await socket.leave(channel);
    await socket.leave(agentViewRoom(channel));
    const parsed = parseChannel(channel);
    if (parsed?.kind === 'workflow') await this.presence.leaveBoard(this.socketKey(socket), parsed.workflowId);
  }

  /** Sends an event unless this subscription already had it (replay and live may both carry it). */
  private send(socket: TandemSocket, subscription: Subscription, envelope: EventEnvelope): void {
    if (envelope.seq <= subscription.lastSent) return;
    subscription.lastSent = envelope.seq;
    socket.emit('event', envelope);
  }

  /** Sends a live event as this subscription sees it (see `Subscription.agentView`). */
  private forward(socket: TandemSocket, subscription: Subscription, envelope: EventEnvelope): void {
    const view = subscription.agentView;
    if (!view) return this.send(socket, subscription, envelope);
    const visible = agentSees(envelope, view.agentId);
    // Late (arrived after a later one): its own `prev` lets the client repair a gap by replaying its view.
    if (envelope.seq <= view.lastSeen) return visible ? this.send(socket, subscription, envelope) : undefined;
    const inOrder = envelope.prev === view.lastSeen;
    view.lastSeen = envelope.seq;
    if (!visible) return;
    // In order, everything before it went through here: its previous event in this view is the last one sent.
    this.send(socket, subscription, inOrder ? { ...envelope, prev: subscription.lastSent } : envelope);
  }

  /**
   * A subscriber that stopped reading would otherwise hold every later event in this node's memory (until the
   * ping timeout, ~45 s). Past the limit it is dropped without waiting for a drain that will not come; when it
   * reads again it reconnects and replays what it missed with `since`.
   */
  private droppedAsSlow(socket: TandemSocket): boolean {
    const conn = socket.conn;
    // engine.io keeps the buffer private; it is the only measure of what the socket left unread.
    const unread = (conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
    if (unread <= this.bufferLimit) return false;
    slowConsumersDropped.inc();
    this.logger.warn(`dropping socket ${socket.id}: ${unread} packets unread`);
    const transport = conn.transport as unknown as { socket?: { terminate?: () => void } };
    conn.close(true);
    transport.socket?.terminate?.();
    return true;
  }

  private addDirect(channel: Channel, subscription: DirectSubscription): void {
    let set = this.direct.get(channel);
    if (!set) this.direct.set(channel, (set = new Set()));
    set.add(subscription);
  }

  private removeDirect(channel: Channel, subscription: Subscription): void {
    const set = this.direct.get(channel);
    set?.delete(subscription as DirectSubscription);
    if (set?.size === 0) this.direct.delete(channel);
  }

  /**
   * Delivers envelopes, in the stream's seq order, to this node's subscribers: one local room broadcast per
   * envelope (the packet is encoded once) to the room's members but the agent views, into the buffer of each
   * subscription still replaying, and per socket to each agent's view.
   */
  private deliver(envelopes: EventEnvelope[]): void {
    const touched = new Set<Channel>();
    for (const envelope of envelopes) {
      const { channel } = envelope;
      this.server.local.to(channel).except(agentViewRoom(channel)).emit('event', envelope);
      for (const subscription of this.direct.get(channel) ?? []) {
        if (subscription.buffer) subscription.buffer.push(envelope);
        else if (!this.droppedAsSlow(subscription.socket)) this.forward(subscription.socket, subscription, envelope);
      }
      eventsEmitted.inc({ type: envelope.type });
      touched.add(channel);
    }
    const { adapter, sockets } = this.server.sockets;
    for (const channel of touched) {
      for (const id of adapter.rooms.get(channel) ?? []) {
        const socket = sockets.get(id);
        if (socket) this.droppedAsSlow(socket);
      }
    }
  }

  /** This node's commits: into its own stream, and to the other nodes' streams through Redis. */
  private publish(committed: CommittedEntry[]): void {
    const entries = committed.map(({ entry }) => streamEntryOf(entry));
    this.stream.push(entries);
    if (this.options.redisUrl) this.server.serverSideEmit(FAN_OUT_EVENT, entries);
  }
}
