import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { AuditAction, Changes } from '@tandem/shared';
import { applyPatch } from '../../common/changes';
import { NO_REQUEST } from '../../common/caller';
import { WritePath } from '../../core/write-path.service';
import { SuggestionEntity } from './entities/suggestion.entity';
import { systemFor } from './suggestion-decisions.service';
import { suggestionDraft } from './suggestion.mapper';
import { loadConfig } from '../../config';

/** Held (per tick, transaction-scoped) by the one node that runs the suggestion scheduler. */
const SCHEDULER_LOCK = 748_102_332;
const BATCH = 100;

/**
 * `suggestionTtlSeconds` (DESIGN 7): at half the TTL a pending suggestion is escalated, at the TTL it expires,
 * fail-closed (never approved). Every node ticks, but only the node that gets the advisory lock acts; each change
 * also re-checks the locked row, so a suggestion decided meanwhile is left alone and nothing happens twice.
 */
@Injectable()
export class SuggestionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SuggestionScheduler');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
  ) {}

  onApplicationBootstrap(): void {
    const interval = loadConfig().schedulerIntervalMs;
    if (interval > 0) this.timer = setInterval(() => this.tick(), interval);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.logger.warn(`tick failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.running = null;
      });
  }

  /** One pass; public so tests (and a CLI) can drive it. Answers how many suggestions it changed. */
  async runOnce(now = new Date()): Promise<number> {
    return this.orm.em.fork().transactional(async (em) => {
      const [{ locked }] = await em.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?) as locked', [
        SCHEDULER_LOCK,
      ]);
      if (!locked) return 0;
      const due = await em.find(
        SuggestionEntity,
        { status: 'pending', expiresAt: { $lte: now } },
        { orderBy: { expiresAt: 'asc' }, limit: BATCH, fields: ['id'] },
      );
      const halfway = await em.execute<{ id: string }[]>(
        `select id from suggestions
          where status = 'pending' and not escalated and expires_at > ?
            and created_at + (expires_at - created_at) / 2 <= ?
          order by expires_at limit ?`,
        [now, now, BATCH],
      );
      let changed = 0;
      for (const { id } of due) changed += await this.expire(id, now);
      for (const { id } of halfway) changed += await this.escalate(id, now);
      return changed;
    });
  }

  private expire(id: string, now: Date): Promise<number> {
    return this.change(id, 'suggestion.expired', (suggestion) =>
      suggestion.expiresAt && suggestion.expiresAt <= now
        ? applyPatch(suggestion, { status: 'expired', decidedAt: now, decidedByName: 'system' })
        : null,
    );
  }

  private escalate(id: string, now: Date): Promise<number> {
    return this.change(id, 'suggestion.escalated', (suggestion) =>
      !suggestion.escalated && suggestion.expiresAt && suggestion.expiresAt > now
        ? applyPatch(suggestion, { escalated: true })
        : null,
    );
  }

  /** Locks the row, re-checks it is still pending and due, changes it and records the entry as `system`. */
  private change(
    id: string,
    action: Extract<AuditAction, 'suggestion.expired' | 'suggestion.escalated'>,
    apply: (suggestion: SuggestionEntity) => Changes | null,
  ): Promise<number> {
    return this.writes.run(systemFor('suggestionTtlSeconds'), NO_REQUEST, async (tx) => {
      const suggestion = await tx.lock(SuggestionEntity, id, 'suggestion');
      if (suggestion.status !== 'pending') return 0;
      const ttlSeconds = suggestion.expiresAt
        ? Math.round((suggestion.expiresAt.getTime() - suggestion.createdAt.getTime()) / 1000)
        : null;
      const changes = apply(suggestion);
      if (!changes) return 0;
      tx.record(
        suggestionDraft(suggestion, action, changes, {
          policy: { suggestionTtlSeconds: ttlSeconds },
          expiresAt: suggestion.expiresAt?.toISOString(),
        }),
      );
      return 1;
    });
  }
}
