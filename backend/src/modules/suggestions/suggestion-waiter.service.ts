import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Suggestion } from '@tandem/shared';
import { EventBus } from '../../common/event-bus';
import { SuggestionEntity } from './entities/suggestion.entity';
import { toSuggestion } from './suggestion.mapper';

/** How often a waiting long-poll re-reads the row: decisions taken on other nodes never reach this node's bus. */
const POLL_MS = 1000;

/**
 * Long-polls (`GET /api/suggestions/:id?wait=`): answers when the suggestion leaves `pending`, or when an approver
 * asks for changes, or when the wait is over. Local commits wake it at once through the EventBus.
 */
@Injectable()
export class SuggestionWaiter implements OnModuleDestroy {
  /** Suggestion id → the re-checks of the long-polls waiting on it. */
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly finishers = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly orm: MikroORM,
    bus: EventBus,
  ) {
    this.unsubscribe = bus.onCommitted((committed) => {
      for (const { entry } of committed) {
        if (entry.entityType !== 'suggestion' || !entry.entityId) continue;
        this.waiting.get(entry.entityId)?.forEach((recheck) => recheck());
      }
    });
  }

  waitForDecision(initial: SuggestionEntity, waitMs: number): Promise<Suggestion> {
    const id = initial.id;
    const answered = (row: SuggestionEntity) =>
      row.status !== 'pending' || (row.changesRequested && row.version !== initial.version);
    return new Promise((resolve) => {
      let latest = initial;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearInterval(poll);
        clearTimeout(timeout);
        this.finishers.delete(finish);
        const rechecks = this.waiting.get(id);
        rechecks?.delete(recheck);
        if (rechecks?.size === 0) this.waiting.delete(id);
        resolve(toSuggestion(latest));
      };
      const recheck = () => {
        this.orm.em
          .fork()
          .findOne(SuggestionEntity, { id })
          .then((row) => {
            if (!row || done) return;
            latest = row;
            if (answered(row)) finish();
          })
          // A failed re-read (e.g. the database is briefly away) is retried by the next poll.
          .catch(() => undefined);
      };
      const poll = setInterval(recheck, POLL_MS);
      const timeout = setTimeout(() => {
        // Answer with the freshest state we can read, even if still pending.
        this.orm.em
          .fork()
          .findOne(SuggestionEntity, { id })
          .then((row) => {
            if (row) latest = row;
          })
          .catch(() => undefined)
          .finally(finish);
      }, waitMs);
      this.finishers.add(finish);
      if (!this.waiting.has(id)) this.waiting.set(id, new Set());
      this.waiting.get(id)!.add(recheck);
      // The decision may have committed between the caller's read and this subscription.
      recheck();
    });
  }

  /** On shutdown, answer every waiting long-poll with what it has, so the HTTP server can close at once. */
  onModuleDestroy(): void {
    this.unsubscribe();
    [...this.finishers].forEach((finish) => finish());
  }
}
