import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { AuditEntry, EphemeralEvent } from '@tandem/shared';

/** An audit entry after its transaction committed, with the entity it changed: the source of every event. */
export interface CommittedEntry {
  entry: AuditEntry;
  data: unknown;
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

  /** An event that is not an audit entry (no seq, never replayed), for every subscriber of its channel. */
  publishEphemeral(event: EphemeralEvent): void {
    this.emitter.emit('ephemeral', event);
  }

  onEphemeral(listener: (event: EphemeralEvent) => void): () => void {
    this.emitter.on('ephemeral', listener);
    return () => this.emitter.off('ephemeral', listener);
  }
}
