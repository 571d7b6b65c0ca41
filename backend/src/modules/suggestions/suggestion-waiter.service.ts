import { Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { EntityType, Suggestion } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { EventBus } from '../../core/event-bus';
import { DrainState } from '../health/drain-state';
import { SuggestionEntity } from './entities/suggestion.entity';
import { toSuggestion } from './suggestion.mapper';

/**
 * A waiting long-poll is woken by the commit that decides it, on this node or another (through the realtime
 * stream); it re-reads the row on its own only this seldom, for a decision whose event did not arrive (Redis down,
 * or nodes sharing a database without Redis): such a caller still hears within two seconds.
 */
const POLL_MS = 2000;

/** Changes to these may end a waiting caller's right to the answer. */
const ACCESS_ENTITIES = new Set<EntityType>(['agent', 'user', 'session', 'workflow']);

/**
 * Long-polls (`GET /api/suggestions/:id?wait=`): answers when the suggestion leaves `pending`, or when an approver
 * asks for changes, or when the wait is over. Commits on any node wake it at once through the EventBus. When the node
 * starts draining, every long-poll answers at once with the current state (the client polls again, elsewhere),
 * so a 60 s wait cannot hold a graceful shutdown.
 */
@Injectable()
export class SuggestionWaiter implements OnModuleDestroy {
  /** Suggestion id → the re-checks of the long-polls waiting on it. */
  private readonly waiting = new Map<string, Set<() => void>>();
  /** Each waiting long-poll: answer after a fresh read (drain), or at once with what it has (close). */
  private readonly open = new Set<{ answerNow: () => void; finish: () => void }>();
  private readonly unsubscribe: () => void;
  private readonly stopDrainWatch: () => void;

  constructor(
    private readonly orm: MikroORM,
    bus: EventBus,
    @Optional() private readonly drain?: DrainState,
  ) {
    this.unsubscribe = bus.onCommittedAnywhere((changes) => {
      // A change of who may do what (a revoked agent, a disabled user, an ended session): every waiter re-checks.
      if (changes.some((entry) => ACCESS_ENTITIES.has(entry.entityType))) {
        for (const rechecks of this.waiting.values()) rechecks.forEach((recheck) => recheck());
        return;
      }
      for (const entry of changes) {
        if (entry.entityType !== 'suggestion' || !entry.entityId) continue;
        this.waiting.get(entry.entityId)?.forEach((recheck) => recheck());
      }
    });
    this.stopDrainWatch = drain?.onDrain(() => this.answerAll()) ?? (() => undefined);
  }

  /**
   * `stillAuthorized` is asked on every re-check: a caller whose credential was revoked meanwhile (on any node)
   * gets 401 within a re-check interval instead of the decision.
   */
  waitForDecision(
    initial: SuggestionEntity,
    waitMs: number,
    stillAuthorized: () => Promise<boolean> = () => Promise.resolve(true),
  ): Promise<Suggestion> {
    // Already draining: waiting would only hold the shutdown.
    if (this.drain?.draining) waitMs = 0;
    const id = initial.id;
    const answered = (row: SuggestionEntity) =>
      row.status !== 'pending' || (row.changesRequested && row.version !== initial.version);
    return new Promise((resolve, reject) => {
      let latest = initial;
      let done = false;
      let refused = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearInterval(poll);
        clearTimeout(timeout);
        this.open.delete(handle);
        const rechecks = this.waiting.get(id);
        rechecks?.delete(recheck);
        if (rechecks?.size === 0) this.waiting.delete(id);
        if (refused) reject(new AppError(ErrorCode.Unauthorized, 'The credential of this request was revoked'));
        else resolve(toSuggestion(latest));
      };
      const recheck = () => {
        stillAuthorized()
          .then(async (authorized) => {
            if (done) return;
            if (!authorized) {
              refused = true;
              return finish();
            }
            const row = await this.orm.em.fork().findOne(SuggestionEntity, { id });
            if (!row || done) return;
            latest = row;
            if (answered(row)) finish();
          })
          // A failed re-read (e.g. the database is briefly away) is retried by the next poll.
          .catch(() => undefined);
      };
      // Answers with the freshest state we can read, even if still pending.
      const answerNow = () => {
        this.orm.em
          .fork()
          .findOne(SuggestionEntity, { id })
          .then((row) => {
            if (row) latest = row;
          })
          .catch(() => undefined)
          .finally(finish);
      };
      const poll = setInterval(recheck, POLL_MS);
      const timeout = setTimeout(answerNow, waitMs);
      const handle = { answerNow, finish };
      this.open.add(handle);
      if (!this.waiting.has(id)) this.waiting.set(id, new Set());
      this.waiting.get(id)!.add(recheck);
      // The decision may have committed between the caller's read and this subscription.
      recheck();
    });
  }

  private answerAll(): void {
    for (const { answerNow } of [...this.open]) answerNow();
  }

  /** On close (the database may be going too), answer every long-poll left with what it has. */
  onModuleDestroy(): void {
    this.unsubscribe();
    this.stopDrainWatch();
    for (const { finish } of [...this.open]) finish();
  }
}
