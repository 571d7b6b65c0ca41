import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
import type { AuditEntry } from '@tandem/shared';

/** An audit entry after its transaction committed, with the entity it changed: the source of every event. */
export interface CommittedEntry {
  entry: AuditEntry;
  data: unknown;
}

export type CommittedListener = (committed: CommittedEntry[]) => void | Promise<void>;

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

  private failed(committed: CommittedEntry[], error: unknown): void {
    const seqs = committed.map(({ entry }) => entry.seq).join(',');
    this.logger.error(
      `listener failed for committed seq ${seqs}: ${error instanceof Error ? error.stack : String(error)}`,
    );
  }
}
