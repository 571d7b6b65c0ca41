import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { AuditAction, Changes, WorkflowPolicy } from '@tandem/shared';
import { applyPatch } from '../../common/changes';
import { NO_REQUEST } from '../../common/caller';
import { WritePath } from '../../core/write-path.service';
import { effectivePolicy } from '../workflows/workflow-policy';
import { WorkflowsService } from '../workflows/workflows.service';
import { SuggestionEntity } from './entities/suggestion.entity';
import { systemFor } from './suggestion-decisions.service';
import { suggestionDraft } from './suggestion.mapper';
import { loadConfig } from '../../config';

/** Held (per tick, transaction-scoped) by the one node that runs the suggestion scheduler. */
const SCHEDULER_LOCK = 748_102_332;
const BATCH = 100;

/**
 * The workflow policy's clock (DESIGN 7): a pending suggestion is escalated `escalateAfterSeconds` after it was
 * made (by default at half its TTL), and at the TTL the policy's `timeoutAction` applies: it expires (the default)
 * or the system rejects it; never an approval. The policy read is the one in force when the clock strikes (the TTL
 * itself was fixed when the suggestion was made). Every node ticks, but only the node that gets the advisory lock
 * acts; each change also re-checks the locked row, so a suggestion decided meanwhile is left alone and nothing
 * happens twice.
 */
@Injectable()
export class SuggestionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SuggestionScheduler');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly workflows: WorkflowsService,
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
      const escalating = await em.execute<{ id: string }[]>(
        `select s.id from suggestions s join workflows w on w.id = s.workflow_id
          where s.status = 'pending' and not s.escalated and (s.expires_at is null or s.expires_at > ?)
            and coalesce(s.created_at + (w.policy->>'escalateAfterSeconds')::int * interval '1 second',
                         s.created_at + (s.expires_at - s.created_at) / 2) <= ?
          order by s.created_at limit ?`,
        [now, now, BATCH],
      );
      let changed = 0;
      for (const { id } of due) changed += await this.timeOut(id, now);
      for (const { id } of escalating) changed += await this.escalate(id, now);
      return changed;
    });
  }

  /** At the TTL: the policy's `timeoutAction`, `expire` unless it says `reject`. */
  private timeOut(id: string, now: Date): Promise<number> {
    return this.change(id, (suggestion, policy) => {
      if (!suggestion.expiresAt || suggestion.expiresAt > now) return null;
      const action = policy.timeoutAction ?? 'expire';
      const policyContext = { suggestionTtlSeconds: ttlOf(suggestion), timeoutAction: action };
      if (action === 'reject') {
        const changes = applyPatch(suggestion, {
          status: 'rejected',
          decidedAt: now,
          decidedBy: null,
          decidedByName: 'system',
          decisionNote: 'No decision within the time limit.',
          changesRequested: false,
        });
        return { action: 'suggestion.rejected', changes, policy: policyContext };
      }
      const changes = applyPatch(suggestion, { status: 'expired', decidedAt: now, decidedByName: 'system' });
      return { action: 'suggestion.expired', changes, policy: policyContext };
    });
  }

  private escalate(id: string, now: Date): Promise<number> {
    return this.change(id, (suggestion, policy) => {
      if (suggestion.escalated || (suggestion.expiresAt && suggestion.expiresAt <= now)) return null;
      const changes = applyPatch(suggestion, { escalated: true });
      return {
        action: 'suggestion.escalated',
        changes,
        policy: { suggestionTtlSeconds: ttlOf(suggestion), escalateAfterSeconds: policy.escalateAfterSeconds ?? null },
      };
    });
  }

  /** Locks the row, re-checks it is still pending, changes it and records the entry as `system` with the policy. */
  private change(
    id: string,
    apply: (
      suggestion: SuggestionEntity,
      policy: WorkflowPolicy,
    ) => {
      action: Extract<AuditAction, 'suggestion.expired' | 'suggestion.rejected' | 'suggestion.escalated'>;
      changes: Changes;
      policy: Record<string, unknown>;
    } | null,
  ): Promise<number> {
    return this.writes.run(systemFor('suggestionTtlSeconds'), NO_REQUEST, async (tx) => {
      const suggestion = await tx.lock(SuggestionEntity, id, 'suggestion');
      if (suggestion.status !== 'pending') return 0;
      const workflow = await this.workflows.find(tx.em, suggestion.workflow);
      const outcome = apply(suggestion, effectivePolicy(workflow ?? { policy: {} }));
      if (!outcome) return 0;
      tx.record(
        suggestionDraft(suggestion, outcome.action, outcome.changes, {
          policy: outcome.policy,
          expiresAt: suggestion.expiresAt?.toISOString(),
        }),
      );
      return 1;
    });
  }
}

/** The suggestion's time limit in seconds, as it was fixed when it was made; null without one. */
const ttlOf = (suggestion: SuggestionEntity): number | null =>
  suggestion.expiresAt ? Math.round((suggestion.expiresAt.getTime() - suggestion.createdAt.getTime()) / 1000) : null;
