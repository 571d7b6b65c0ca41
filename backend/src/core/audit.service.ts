import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditAction, AuditEntry, AuditOutcome, Changes, EntityType } from '@tandem/shared';
import { AUDIT_COLUMNS, auditRowValues, linkRow, UNLINKED } from './audit-columns';
import { EventBus } from './event-bus';
import { actorOf, type Caller, type RequestMeta } from '../common/caller';
import { Semaphore } from './semaphore';
import { AuditedRefusal } from './refusal';
import { prepareLink, type LinkFields } from './audit-hash';

/** What a service says about its change; the audit service adds seq, time, actor, request and hashes. */
export interface AuditDraft {
  action: AuditAction;
  entityType: EntityType;
  entityId: string | null;
  workflowId?: string | null;
  changes?: Changes;
  context?: Record<string, unknown>;
  outcome?: AuditOutcome;
  /** The entity after the change; a function is evaluated after flush, so it sees the new version. */
  data?: unknown;
  /** Overrides the caller as actor, e.g. `system` acting for a policy inside a human's request. */
  actor?: Caller;
  onBehalfOf?: string | null;
}

/**
 * Runs inside the appending transaction, after the entries are inserted: what must commit (or roll back) with
 * the change, e.g. notifications or the webhook delivery queue. Registered by the module that owns it; audit
 * knows none of them.
 */
export type AppendHook = (em: EntityManager, entries: AuditEntry[]) => Promise<void>;

/** An entry ready to be appended: all but its place in the chain (seq, prev_hash, at) and its hash. */
export interface PreparedEntry {
  fields: Omit<AuditEntry, keyof LinkFields | 'hash'>;
  link: (link: LinkFields) => string;
  /** Its insert values, with the chain's columns still empty. */
  row: Array<string | number | null>;
}

/** Serializes appends across all nodes so that seq order is commit order and the chain never forks. */
const AUDIT_APPEND_LOCK = 748_102_331;

export interface AuditRow {
  seq: string;
  at: Date;
  actor_type: AuditEntry['actor']['type'];
  actor_id: string | null;
  actor_name: string;
  on_behalf_of: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  entity_type: EntityType;
  entity_id: string | null;
  workflow_id: string | null;
  changes: Changes;
  context: Record<string, unknown>;
  data: unknown;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  prev_hash: string;
  hash: string;
}

export function entryFromRow(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    onBehalfOf: row.on_behalf_of,
    action: row.action,
    outcome: row.outcome,
    entityType: row.entity_type,
    entityId: row.entity_id,
    workflowId: row.workflow_id,
    changes: row.changes,
    context: row.context,
    data: row.data ?? null,
    requestId: row.request_id,
    ip: row.ip,
    userAgent: row.user_agent,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** JSON round trip: what is hashed is exactly what jsonb gives back (no undefined, dates as strings). */
/**
 * Refusals recorded at once, at most: each takes a pooled connection of its own, so a burst of refusals (a
 * misconfigured agent) queues here instead of draining the pool the successful requests need.
 */
const REFUSAL_CONCURRENCY = 2;

const plain = <T>(value: T): T => (value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T));

@Injectable()
export class AuditService {
  private readonly appendHooks: AppendHook[] = [];
  private readonly refusals = new Semaphore(REFUSAL_CONCURRENCY);

  constructor(
    private readonly orm: MikroORM,
    private readonly bus: EventBus,
  ) {}

  onAppend(hook: AppendHook): () => void {
    this.appendHooks.push(hook);
    return () => this.appendHooks.splice(this.appendHooks.indexOf(hook), 1);
  }

  /**
   * Appends entries inside the caller's transaction. Call it last, just before commit: the advisory lock it
   * takes is held until commit, so the time the chain is serialized stays short.
   */
  async append(em: EntityManager, caller: Caller, meta: RequestMeta, drafts: AuditDraft[]): Promise<AuditEntry[]> {
    return this.appendPrepared(em, this.prepare(caller, meta, drafts));
  }

  /**
   * Everything about the entries that does not depend on their place in the chain, done before the lock: the JSON
   * round trips, the canonical JSON the hash covers and the JSON text of the insert.
   */
  prepare(caller: Caller, meta: RequestMeta, drafts: AuditDraft[]): PreparedEntry[] {
    return drafts.map((draft) => {
      const actor = draft.actor ?? caller;
      const fields = {
        actor: actorOf(actor),
        onBehalfOf: draft.onBehalfOf ?? (actor.type === 'system' ? (actor.onBehalfOf ?? null) : null),
        action: draft.action,
        outcome: draft.outcome ?? 'success',
        entityType: draft.entityType,
        entityId: draft.entityId,
        workflowId: draft.workflowId ?? null,
        changes: plain(draft.changes ?? {}),
        context: plain(draft.context ?? {}),
        data: plain(draft.data ?? null),
        requestId: meta.requestId,
        ip: meta.ip,
        userAgent: meta.userAgent,
      };
      return { fields, link: prepareLink(fields), row: auditRowValues({ ...fields, ...UNLINKED }) };
    });
  }

  /**
   * The locked part of an append: take the chain's lock, read its head, number and hash the prepared entries,
   * insert them and run the append hooks. Held until the caller's transaction ends. `before`: statements of the
   * caller's that may travel with the lock's (one round trip).
   */
  async appendPrepared(em: EntityManager, prepared: PreparedEntry[], before = ''): Promise<AuditEntry[]> {
    if (prepared.length === 0) return [];
    await em.execute(`${before}select pg_advisory_xact_lock(?)`, [AUDIT_APPEND_LOCK]);
    // The highest seq ever issued, not the newest row: entries deleted from the top leave a gap, never a reused seq.
    const [head] = await em.execute<{ seq: string; hash: string }[]>('select seq, hash from audit_head');
    let seq = Number(head.seq);
    let prevHash = head.hash;
    const at = new Date().toISOString();
    const entries: AuditEntry[] = [];
    const params: Array<string | number | null> = [];
    for (const { fields, link, row } of prepared) {
      seq += 1;
      const hash = link({ seq, prevHash, at });
      entries.push({ seq, at, ...fields, prevHash, hash });
      params.push(...linkRow(row, { seq, at, prevHash, hash }));
      prevHash = hash;
    }
    const values = `(${AUDIT_COLUMNS.map(() => '?').join(', ')})`;
    await em.execute(
      `insert into audit_log (${AUDIT_COLUMNS.join(', ')}) values ${entries.map(() => values).join(', ')}`,
      params,
    );
    for (const hook of this.appendHooks) await hook(em, entries);
    return entries;
  }

  /** Writes one entry in its own transaction, e.g. a refusal: the refused request itself changes nothing. */
  async record(caller: Caller, meta: RequestMeta, draft: AuditDraft): Promise<void> {
    const entries = await this.orm.em.fork().transactional((tx) => this.append(tx, caller, meta, [draft]));
    this.bus.publish(entries.map((entry) => ({ entry, data: null })));
  }

  /**
   * Audits a refusal for lack of permission (`access.denied`, outcome `denied`) on a connection of its own.
   * Never call it while a transaction is open: throw `refusal(...)` there, and it is recorded after the rollback.
   */
  recordDenied(caller: Caller, meta: RequestMeta, reason: string, target: Partial<AuditDraft> = {}): Promise<void> {
    return this.refusals.run(() =>
      this.record(caller, meta, {
        action: 'access.denied',
        entityType: target.entityType ?? 'session',
        entityId: target.entityId ?? null,
        workflowId: target.workflowId ?? null,
        outcome: 'denied',
        context: { reason, ...target.context },
      }),
    );
  }

  /** The 403 to throw for an audited refusal; `message` is what the caller reads, `reason` what the log keeps. */
  refusal(caller: Caller, meta: RequestMeta, reason: string, target: Partial<AuditDraft>, message: string) {
    return new AuditedRefusal(caller, meta, reason, target, message);
  }

  /** Records a thrown refusal once (the write path and the interceptor may both see it). */
  async recordRefusal(refusal: AuditedRefusal): Promise<void> {
    if (refusal.recorded) return;
    refusal.recorded = true;
    await this.recordDenied(refusal.caller, refusal.meta, refusal.reason, refusal.target);
  }
}
