import type { AuditEntry } from '@tandem/shared';
import { AUDIT_COLUMNS, auditRowValues } from '../../core/audit-columns';

/** The CSV header: the audit_log columns. */
export const CSV_COLUMNS = AUDIT_COLUMNS;

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
  return csvRow(auditRowValues(entry));
}
