/** The Socket.IO protocol (DESIGN 5): envelopes, acks, ephemeral presence events, and the typed event maps. */
import type { AuditCheckpoint } from './audit.js';
import type { Channel } from './channels.js';
import type { Actor } from './entities.js';
import type { Notification } from './notifications.js';
import type { ActorType, AgentStatus, AuditAction } from './vocabulary.js';

/** A committed change on one channel. `seq` is the audit seq; `prev` the seq of the channel's previous event. */
export interface EventEnvelope<T = unknown> {
  seq: number;
  /** 0 when this is the first event ever on the channel. */
  prev: number;
  channel: Channel;
  type: AuditAction;
  at: string;
  actor: Actor;
  data: T;
}

/**
 * How far back `subscribe {since}` replays from the audit log. A subscriber further behind gets
 * `{ok: true, resync: true}` and refetches over REST instead.
 */
export const REPLAY_LIMIT = 1000;

export interface SubscribeRequest {
  channel: string;
  /** The last seq the client holds on this channel: events after it are replayed before the ack. */
  since?: number;
}

export type SubscribeAck =
  | {
      ok: true;
      /** The seq of the channel's latest event when the subscription started (0 if none). */
      head: number;
      /** How many events were replayed (sent before this ack). */
      replayed: number;
      /** True when `since` was more than REPLAY_LIMIT events behind: nothing was replayed, refetch over REST. */
      resync?: boolean;
    }
  | { ok: false; error: string };

export interface UnsubscribeRequest {
  channel: string;
}

/** One viewer of a board (a person or an agent; several tabs count once). */
export interface Viewer {
  type: Exclude<ActorType, 'system'>;
  id: string;
  name: string;
}

export interface PresenceChanged {
  workflowId: string;
  viewers: Viewer[];
}

export interface AgentStatusChanged {
  agentId: string;
  status: AgentStatus;
}

/**
 * The socket lost a channel it was subscribed to (its role was lowered, its agent left the workflow): it was
 * unsubscribed and a new `subscribe` is refused. With `reason: 'unauthorized'` its credential no longer holds
 * (logout, password change, disabled user, revoked or rotated key) and the server disconnects it next.
 */
export interface AccessRevoked {
  channel: Channel;
  reason: 'forbidden' | 'unauthorized';
  message: string;
}

/**
 * Ephemeral events: not audited, no seq, never replayed (DESIGN 5 "presence"). Clients treat each as the
 * current state, not as a change to apply.
 */
export type EphemeralEvent =
  | { channel: Channel; type: 'presence.changed'; at: string; data: PresenceChanged }
  | { channel: 'agents'; type: 'agent.status'; at: string; data: AgentStatusChanged }
  | { channel: Channel; type: 'access.revoked'; at: string; data: AccessRevoked }
  | { channel: 'audit'; type: 'audit.checkpoint'; at: string; data: AuditCheckpoint };
export type EphemeralType = EphemeralEvent['type'];

/** What an agent may report about itself over the socket. */
export interface StatusRequest {
  status: Exclude<AgentStatus, 'offline'>;
}

export interface ServerToClientEvents {
  event: (envelope: EventEnvelope) => void;
  ephemeral: (event: EphemeralEvent) => void;
  /** A new notification for the signed-in user, on every socket of that user (never a channel others can join). */
  notification: (notification: Notification) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
  unsubscribe: (request: UnsubscribeRequest, ack?: (result: { ok: boolean }) => void) => void;
  status: (request: StatusRequest, ack?: (result: { ok: boolean; error?: string }) => void) => void;
}
