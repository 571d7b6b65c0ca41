import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { AuditEntry, Notification } from '@tandem/shared';

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

/**
 * In-process bus between services (which publish after commit) and `realtime/` (which fans out).
 * Services never import Socket.IO (STYLE).
 */
@Injectable()
export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(50);

  publish(committed: CommittedEntry[]): void {
    if (committed.length) this.emitter.emit('committed', committed);
  }

  onCommitted(listener: (committed: CommittedEntry[]) => void): () => void {
    this.emitter.on('committed', listener);
    return () => this.emitter.off('committed', listener);
  }

  publishNotifications(notices: UserNotice[]): void {
    if (notices.length) this.emitter.emit('notifications', notices);
  }

  onNotifications(listener: (notices: UserNotice[]) => void): () => void {
    this.emitter.on('notifications', listener);
    return () => this.emitter.off('notifications', listener);
  }
}
