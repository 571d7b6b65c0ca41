import { createHash } from 'node:crypto';
import type { AuditEntry } from '@tandem/shared';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth: the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

/** The fields an entry's hash covers: everything but the hash itself. */
export type HashedEntry = Omit<AuditEntry, 'hash'> & { data: unknown };

/** hash = sha256(prev_hash || canonical JSON of the entry without hash) (DESIGN 6). */
export function hashEntry(entry: HashedEntry): string {
  return createHash('sha256').update(entry.prevHash).update(canonicalJson(entry)).digest('hex');
}
