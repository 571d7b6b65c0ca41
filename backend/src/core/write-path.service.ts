import { Injectable } from '@nestjs/common';
import { LockMode, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass } from '@mikro-orm/core';
import { EventBus } from './event-bus';
import { AppError } from '../common/app-error';
import type { Caller, RequestMeta } from '../common/caller';
import { AuditService, type AuditDraft } from './audit.service';
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

/**
 * The one write path (DESIGN 4): BEGIN → check permission and version → change rows → append the audit entries
 * → COMMIT → publish. Nothing is published unless the transaction committed.
 */
@Injectable()
export class WritePath {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly bus: EventBus,
  ) {}

  /**
   * An `AuditedRefusal` thrown by `work` is recorded after the rollback, when this transaction's connection and
   * row locks are released.
   */
  /** `options.orm`: another login's connection (audit retention runs as the owner); the same rule applies. */
  async run<T>(
    caller: Caller,
    meta: RequestMeta,
    work: (tx: WriteTx) => Promise<T>,
    options: { orm?: MikroORM } = {},
  ): Promise<T> {
    try {
      return await this.transact(caller, meta, work, options);
    } catch (error) {
      if (error instanceof AuditedRefusal) await this.audit.recordRefusal(error);
      throw error;
    }
  }

  private async transact<T>(
    caller: Caller,
    meta: RequestMeta,
    work: (tx: WriteTx) => Promise<T>,
    options: { orm?: MikroORM },
  ): Promise<T> {
    const drafts: Array<AuditDraft | (() => AuditDraft)> = [];
    const { result, committed } = await (options.orm ?? this.orm).em.fork().transactional(async (em) => {
      const tx: WriteTx = {
        em,
        caller,
        meta,
        record: (draft) => drafts.push(draft),
        lock: async (entity, id, what) => {
          const row = await em.findOne(entity, { id } as never, { lockMode: LockMode.PESSIMISTIC_WRITE });
          if (!row) throw AppError.notFound(what, id);
          return row;
        },
      };
      const value = await work(tx);
      await em.flush();
      const resolved = drafts.map((draft) => (typeof draft === 'function' ? draft() : draft));
      const datas = resolved.map((draft) =>
        typeof draft.data === 'function' ? (draft.data as () => unknown)() : draft.data,
      );
      const entries = await this.audit.append(
        em,
        caller,
        meta,
        resolved.map((draft, index) => ({ ...draft, data: datas[index] })),
      );
      return { result: value, committed: entries.map((entry) => ({ entry, data: entry.data })) };
    });
    this.bus.publish(committed);
    return result;
  }
}
