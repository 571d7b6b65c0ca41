import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
import type { AuditEntry, EphemeralEvent, Notification } from '@tandem/shared';

/** An audit entry after its transaction committed, with the entity it changed: the source of every event. */
export interface CommittedEntry {
  entry: AuditEntry;
  data: unknown;
}

/** A committed notification and the one person it is for. */
export interface UserNotice {
  userId: string;
  notification: Notification;
}

export type CommittedListener = (committed: CommittedEntry[]) => void | Promise<void>;

/** What was committed, on this node or another: enough to know which entity changed. */
export type CommittedChange = Pick<AuditEntry, 'seq' | 'entityType' | 'entityId'>;

/**
 * In-process bus between services (which publish after commit) and `realtime/` (which fans out).
 * Services never import Socket.IO (STYLE). Listeners run after the publishing request has its answer
 * (next turn of the event loop), in publish order; a listener that throws or rejects is logged: the write
 * is committed, so it must never turn into an error for the caller.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger('EventBus');
  private readonly emitter = new EventEmitter().setMaxListeners(50);

  publish(committed: CommittedEntry[]): void {
    if (committed.length) setImmediate(() => this.emitter.emit('committed', committed));
  }

  onCommitted(listener: CommittedListener): () => void {
    const safe = (committed: CommittedEntry[]) => {
      try {
        const result = listener(committed);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(committed, error));
      } catch (error) {
        this.failed(committed, error);
      }
    };
    this.emitter.on('committed', safe);
    return () => this.emitter.off('committed', safe);
  }

  /** Entries other nodes committed, as this node's realtime stream receives them (after their commit). */
  publishFromPeers(changes: CommittedChange[]): void {
    if (changes.length) this.emitter.emit('peer', changes);
  }

  /** Changes committed on any node: this node's (after commit) and the others' (as they arrive). */
  onCommittedAnywhere(listener: (changes: CommittedChange[]) => void): () => void {
    const local = (committed: CommittedEntry[]) => listener(committed.map(({ entry }) => entry));
    this.emitter.on('committed', local);
    this.emitter.on('peer', listener);
    return () => {
      this.emitter.off('committed', local);
      this.emitter.off('peer', listener);
    };
  }

  /** Notifications whose transaction committed, for `realtime/` to send to their users' sockets. */
  publishNotifications(notices: UserNotice[]): void {
    if (notices.length) setImmediate(() => this.emitter.emit('notifications', notices));
  }

  onNotifications(listener: (notices: UserNotice[]) => void): () => void {
    const safe = (notices: UserNotice[]) => {
      try {
        listener(notices);
      } catch (error) {
        this.logger.error(`notification listener failed: ${error instanceof Error ? error.stack : String(error)}`);
      }
    };
    this.emitter.on('notifications', safe);
    return () => this.emitter.off('notifications', safe);
  }

  /** An event that is not an audit entry (no seq, never replayed), for every subscriber of its channel. */
  publishEphemeral(event: EphemeralEvent): void {
    this.emitter.emit('ephemeral', event);
  }

  onEphemeral(listener: (event: EphemeralEvent) => void): () => void {
    this.emitter.on('ephemeral', listener);
    return () => this.emitter.off('ephemeral', listener);
  }

  private failed(committed: CommittedEntry[], error: unknown): void {
    const seqs = committed.map(({ entry }) => entry.seq).join(',');
    this.logger.error(
      `listener failed for committed seq ${seqs}: ${error instanceof Error ? error.stack : String(error)}`,
    );
  }
}
