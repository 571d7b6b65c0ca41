import type { AuditEntry } from '@tandem/shared';

export const CSV_COLUMNS = [
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

/**
 * One RFC 4180 cell. A cell a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading
 * `'` (OWASP CSV injection), so opening an export cannot execute what an actor typed into a name or user agent.
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: Array<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvEntryRow(entry: AuditEntry): string {
  return csvRow([
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
  ]);
}
