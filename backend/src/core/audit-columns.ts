import type { AuditEntry } from '@tandem/shared';

/** The audit_log columns in one order, for the insert and for the CSV export alike. */
export const AUDIT_COLUMNS = [
  'seq',
  'at',
  'actor_type',
  'actor_id',
  'actor_name',
  'on_behalf_of',
  'action',
  'outcome',
  'entity_type',
  'entity_id',
  'workflow_id',
  'changes',
  'context',
  'data',
  'request_id',
  'ip',
  'user_agent',
  'prev_hash',
  'hash',
] as const;

/** An entry's values in AUDIT_COLUMNS order; JSON columns as JSON text. */
export function auditRowValues(entry: AuditEntry): Array<string | number | null> {
  return [
    entry.seq,
    entry.at,
    entry.actor.type,
    entry.actor.id,
    entry.actor.name,
    entry.onBehalfOf,
    entry.action,
    entry.outcome,
    entry.entityType,
    entry.entityId,
    entry.workflowId,
    JSON.stringify(entry.changes),
    JSON.stringify(entry.context),
    JSON.stringify(entry.data),
    entry.requestId,
    entry.ip,
    entry.userAgent,
    entry.prevHash,
    entry.hash,
  ];
}

/** Placeholders for the columns only known under the chain's lock (see `linkRow`). */
export const UNLINKED = { seq: 0, at: '', prevHash: '', hash: '' };

const SEQ = AUDIT_COLUMNS.indexOf('seq');
const AT = AUDIT_COLUMNS.indexOf('at');
const PREV_HASH = AUDIT_COLUMNS.indexOf('prev_hash');
const HASH = AUDIT_COLUMNS.indexOf('hash');

/** A row of `auditRowValues` made before the lock, completed with the entry's place in the chain. */
export function linkRow(
  row: Array<string | number | null>,
  link: Pick<AuditEntry, 'seq' | 'at' | 'prevHash' | 'hash'>,
): Array<string | number | null> {
  const linked = row.slice();
  linked[SEQ] = link.seq;
  linked[AT] = link.at;
  linked[PREV_HASH] = link.prevHash;
  linked[HASH] = link.hash;
  return linked;
}
