import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AccessRevoked, Channel, EphemeralEvent } from '@tandem/shared';
import type { Caller } from '../common/caller';
import { EventBus } from '../core/event-bus';
import { AuthService } from '../modules/auth/auth.service';
import { accessSubjectsOf, type AccessSubjects } from './access-subjects';
import { ChannelAccess } from './channel-access.service';
import { REALTIME_OPTIONS, type RealtimeOptions } from './realtime.options';
import type { TandemServer, TandemSocket } from './realtime.gateway';

/** The server-side event that tells every node whose sockets to re-check. */
const ACCESS_EVENT = 'tandem:access-changed';

function revokedEvent(channel: Channel, reason: AccessRevoked['reason']): EphemeralEvent {
  const message =
    reason === 'unauthorized'
      ? 'your session or key is no longer valid: sign in again'
      : `you may no longer read ${channel}`;
  return { channel, type: 'access.revoked', at: new Date().toISOString(), data: { channel, reason, message } };
}

/**
 * Live sockets keep only the authority their credential has now (not what it had when they connected). After
 * any committed change that may take authority away (see `accessSubjectsOf`), every node re-reads the affected
 * sockets' credentials and channel rights from the database: a socket whose credential no longer holds gets an
 * `access.revoked` (`unauthorized`) on each of its channels and is disconnected; one that lost some channels is
 * unsubscribed from exactly those, with an `access.revoked` (`forbidden`) each. The committing node tells the
 * others through the adapter's server-side emit (Redis), so a change on node A reaches sockets on node B.
 */
@Injectable()
export class SocketAuthority {
  private readonly logger = new Logger('SocketAuthority');
  /** Per socket: re-checks run one after another; `epoch` counts them (a subscribe compares it, see gateway). */
  private readonly state = new WeakMap<TandemSocket, { epoch: number; queue: Promise<unknown> }>();
  private server: TandemServer | null = null;
  private leave: (socket: TandemSocket, channel: Channel) => Promise<void> = () => Promise.resolve();
  private stopListening: () => void = () => undefined;

  constructor(
    private readonly auth: AuthService,
    private readonly access: ChannelAccess,
    private readonly bus: EventBus,
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeOptions,
  ) {}

  /** `leave` unsubscribes a socket from a channel the way the gateway does it (room, subscription, presence). */
  attach(server: TandemServer, leave: (socket: TandemSocket, channel: Channel) => Promise<void>): void {
    this.server = server;
    this.leave = leave;
    (server.sockets as unknown as { on(event: string, listener: (subjects: AccessSubjects) => void): void }).on(
      ACCESS_EVENT,
      (subjects) => this.recheck(subjects),
    );
    this.stopListening = this.bus.onCommitted((committed) => {
      const subjects = accessSubjectsOf(committed.map(({ entry }) => entry));
      if (!subjects) return;
      this.recheck(subjects);
      if (this.options.redisUrl) server.serverSideEmit(ACCESS_EVENT, subjects);
    });
  }

  detach(): void {
    this.stopListening();
  }

  /** How many re-checks this socket has gone through (a subscribe that overlapped one must re-check). */
  epoch(socket: TandemSocket): number {
    return this.stateOf(socket).epoch;
  }

  /** The socket's caller as it is now, or null after disconnecting it because its credential no longer holds. */
  async current(socket: TandemSocket): Promise<Caller | null> {
    const caller = await this.auth.refresh(socket.data.caller);
    if (!caller) {
      this.end(socket);
      return null;
    }
    socket.data.caller = caller;
    return caller;
  }

  /** Re-checks the credential and every channel of one socket (queued behind any re-check in progress). */
  revalidate(socket: TandemSocket): Promise<void> {
    const state = this.stateOf(socket);
    state.epoch += 1;
    const run = state.queue.then(() => this.revalidateNow(socket));
    state.queue = run.catch((error: unknown) => this.logger.error(`re-check of ${socket.id} failed: ${String(error)}`));
    return state.queue as Promise<void>;
  }

  private stateOf(socket: TandemSocket) {
    let state = this.state.get(socket);
    if (!state) this.state.set(socket, (state = { epoch: 0, queue: Promise.resolve() }));
    return state;
  }

  private recheck(subjects: AccessSubjects): void {
    if (!this.server) return;
    for (const socket of this.server.sockets.sockets.values()) {
      const { caller, subscriptions } = socket.data;
      if (caller?.type === 'human' && subjects.signOut.includes(caller.id)) {
        this.end(socket);
        continue;
      }
      const affected =
        (caller?.type === 'human' && subjects.users.includes(caller.id)) ||
        (caller?.type === 'agent' &&
          (subjects.agents.includes(caller.id) ||
            subjects.workflows.some((id) => subscriptions.has(`workflow:${id}`))));
      if (affected) void this.revalidate(socket);
    }
  }

  private async revalidateNow(socket: TandemSocket): Promise<void> {
    if (!socket.connected) return;
    const caller = await this.current(socket);
    if (!caller) return;
    for (const channel of [...socket.data.subscriptions.keys()]) {
      if (await this.access.stillAllows(caller, channel)) continue;
      if (!socket.data.subscriptions.has(channel)) continue;
      await this.leave(socket, channel);
      socket.emit('ephemeral', revokedEvent(channel, 'forbidden'));
    }
  }

  /** Says why on each channel, then disconnects (the client does not reconnect by itself after this). */
  private end(socket: TandemSocket): void {
    if (!socket.connected) return;
    for (const channel of socket.data.subscriptions.keys())
      socket.emit('ephemeral', revokedEvent(channel, 'unauthorized'));
    socket.disconnect();
  }
}
