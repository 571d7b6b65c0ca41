import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass, EntityDictionary } from '@mikro-orm/core';
import { EventBus, type CommittedEntry } from './event-bus';
import { AppError } from '../common/app-error';
import { writeBatchSize, writesRequeued } from '../common/metrics';
import type { Caller, RequestMeta } from '../common/caller';
import { AuditService, type AuditDraft, type PreparedEntry } from './audit.service';
import { AuditedRefusal } from './refusal';

/** What a use case gets inside its transaction. */
export interface WriteTx {
  em: EntityManager;
  caller: Caller;
  meta: RequestMeta;
  /** Queues the audit entry for this change; it is appended with the change, in the same transaction. */
  record(draft: AuditDraft | (() => AuditDraft)): void;
  /** Loads a row for update (row lock until commit), or 404. Concurrent writers of one row queue here. */
  lock<T extends object>(entity: EntityClass<T>, id: string, what: string): Promise<T>;
}

type Work<T> = (tx: WriteTx) => Promise<T>;

/** A write waiting for a batch, and how to answer its caller once the batch has ended. */
interface QueuedWrite {
  caller: Caller;
  meta: RequestMeta;
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown } | { deferred: true };

/**
 * Batches in flight on one node at once (each one transaction, one pooled connection). One: a node's batches would
 * only contend with each other for the same board and chain locks (later writes stepping back after the lock
 * timeout, work done twice), while writes arriving during a commit make the next batch bigger. Measured with
 * `npm run bench -- --quick` (bench/where-the-time-goes.md): 1 batch beat 2 and 4 on one board (370, 309 and 263
 * moves/s) and matched 2 over 16 boards.
 */
const MAX_BATCHES = 1;
/**
 * Writes in one batch at most: each is a subtransaction, and PostgreSQL keeps up to 64 of a transaction's in
 * shared memory before every other session's snapshots get slower.
 */
const MAX_BATCH = 32;
/**
 * How long a write that is not first in its batch waits for a lock another transaction holds before it steps back
 * to the head of the queue (the first write of a batch waits as long as it takes). Two batches can then never wait
 * on each other's later writes: no deadlock that one write alone could not have made.
 */
const LATER_LOCK_TIMEOUT_MS = 20;
/** lock_not_available (our lock timeout) and deadlock_detected: the write did nothing, it can run again. */
const RETRYABLE = new Set(['55P03', '40P01']);

/**
 * The one write path (DESIGN 4): BEGIN → check permission and version → change rows → append the audit entries
 * → COMMIT → publish. Nothing is published unless the transaction committed.
 *
 * Group commit: writes arriving while earlier ones are being committed queue, and the next free batch takes all of
 * them (up to MAX_BATCH) into one transaction, each in a savepoint of its own, so a failed write rolls back alone
 * and the others commit. The audit entries of the whole batch are appended once (one lock, one head read, one
 * insert), so the chain's lock is taken once per batch instead of once per write. An idle node runs a write at
 * once, alone; the batches grow with the load.
 */
@Injectable()
export class WritePath {
  private readonly queue: QueuedWrite[] = [];
  private batches = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly bus: EventBus,
  ) {}

  /**
   * An `AuditedRefusal` thrown by `work` is recorded after the rollback, when this transaction's connection and
   * row locks are released.
   * `options.orm`: another login's connection (audit retention runs as the owner): such a write runs in a
   * transaction of its own, never batched; the same rule applies.
   */
  async run<T>(caller: Caller, meta: RequestMeta, work: Work<T>, options: { orm?: MikroORM } = {}): Promise<T> {
    try {
      return options.orm
        ? await this.alone(caller, meta, work, options.orm)
        : await new Promise<T>((resolve, reject) => {
            this.queue.push({ caller, meta, work, resolve: resolve, reject });
            this.pump();
          });
    } catch (error) {
      if (error instanceof AuditedRefusal) await this.audit.recordRefusal(error);
      throw error;
    }
  }

  private pump(): void {
    while (this.batches < MAX_BATCHES && this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.batches += 1;
      void this.commitBatch(batch).finally(() => {
        this.batches -= 1;
        this.pump();
      });
    }
  }

  /** One batch: never throws; every write in it is answered once the transaction has ended (or is queued again). */
  private async commitBatch(batch: QueuedWrite[]): Promise<void> {
    const outcomes: Outcome[] = [];
    let committed: CommittedEntry[] = [];
    let failure: { error: unknown } | null = null;
    try {
      committed = await this.orm.em.fork().transactional(async (em) => {
        const prepared: PreparedEntry[] = [];
        // The statement that ends the previous write's savepoint travels with the next one (one round trip).
        let release = '';
        // A write alone needs no savepoint: its failure rolls the whole transaction back.
        const single = batch.length === 1;
        for (const [index, write] of batch.entries()) {
          const timeout = index === 1 ? `set local lock_timeout = ${LATER_LOCK_TIMEOUT_MS}; ` : '';
          if (!single) await em.execute(`${release}${timeout}savepoint write`);
          release = single ? '' : 'release savepoint write; ';
          try {
            const own = em.fork({ clear: true, keepTransactionContext: true });
            const { value, drafts } = await this.attempt(own, write.caller, write.meta, write.work);
            prepared.push(...this.audit.prepare(write.caller, write.meta, drafts));
            outcomes.push({ ok: true, value });
          } catch (error) {
            if (single) throw error;
            await em.execute('rollback to savepoint write');
            const code = (error as { code?: unknown } | null)?.code;
            outcomes.push(index > 0 && RETRYABLE.has(String(code)) ? { deferred: true } : { ok: false, error });
          }
        }
        const reset = batch.length > 1 ? 'set local lock_timeout = 0; ' : '';
        const entries = await this.audit.appendPrepared(em, prepared, `${release}${reset}`);
        return entries.map((entry) => ({ entry, data: entry.data }));
      });
    } catch (error) {
      failure = { error };
    }
    if (!failure) this.bus.publish(committed);
    writeBatchSize.observe(batch.length);
    const again: QueuedWrite[] = [];
    batch.forEach((write, index) => {
      const outcome = outcomes[index];
      if (outcome && 'deferred' in outcome) again.push(write);
      else if (outcome && !outcome.ok) write.reject(outcome.error);
      else if (failure) write.reject(failure.error);
      else write.resolve(outcome.value);
    });
    // Writes that met a lock of another batch go first next time, where the first one may wait for it.
    writesRequeued.inc(again.length);
    this.queue.unshift(...again);
  }

  /** One write inside a batch (its own identity map on the batch's connection): its result and audit drafts. */
  private async attempt<T>(
    em: EntityManager,
    caller: Caller,
    meta: RequestMeta,
    work: Work<T>,
  ): Promise<{ value: T; drafts: AuditDraft[] }> {
    const drafts: Array<AuditDraft | (() => AuditDraft)> = [];
    const tx: WriteTx = {
      em,
      caller,
      meta,
      record: (draft) => drafts.push(draft),
      // A plain `select … for update` mapped to an entity: an entity query would cost about 3× the CPU.
      lock: async <E extends object>(entity: EntityClass<E>, id: string, what: string) => {
        const table = em.getMetadata().get(entity).tableName;
        const [row] = await em.execute<Array<EntityDictionary<E>>>(`select * from "${table}" where id = ? for update`, [
          id,
        ]);
        if (!row) throw AppError.notFound(what, id);
        return em.map(entity, row);
      },
    };
    const value = await work(tx);
    await em.flush();
    return { value, drafts: drafts.map(resolveDraft) };
  }

  /** A write in a transaction of its own, on another login's connection. */
  private async alone<T>(caller: Caller, meta: RequestMeta, work: Work<T>, orm: MikroORM): Promise<T> {
    const { value, committed } = await orm.em.fork().transactional(async (em) => {
      const { value: result, drafts } = await this.attempt(em, caller, meta, work);
      const entries = await this.audit.appendPrepared(em, this.audit.prepare(caller, meta, drafts));
      return { value: result, committed: entries.map((entry) => ({ entry, data: entry.data })) };
    });
    this.bus.publish(committed);
    return value;
  }
}

/** A draft as recorded, with its `data` evaluated after the flush (so it shows the new version). */
function resolveDraft(draft: AuditDraft | (() => AuditDraft)): AuditDraft {
  const resolved = typeof draft === 'function' ? draft() : draft;
  return typeof resolved.data === 'function' ? { ...resolved, data: (resolved.data as () => unknown)() } : resolved;
}
