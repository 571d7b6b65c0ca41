import type { Changes } from '@tandem/shared';

const same = (a: unknown, b: unknown) =>
  a instanceof Date || b instanceof Date
    ? String(a instanceof Date ? a.toISOString() : a) === String(b instanceof Date ? b.toISOString() : b)
    : JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies `patch` to `target` field by field and returns `{field: [before, after]}` for what really changed:
 * the audit entry's `changes` (DESIGN 6).
 */
export function applyPatch<T extends object>(target: T, patch: Partial<T>): Changes {
  const changes: Changes = {};
  for (const key of Object.keys(patch) as Array<keyof T & string>) {
    const after = patch[key];
    if (after === undefined) continue;
    const before = target[key];
    if (same(before, after)) continue;
    changes[key] = [before, after];
    target[key] = after;
  }
  return changes;
}

/** `changes` for a created row: every listed field from null to its value. */
export function creationChanges<T extends object>(row: T, fields: Array<keyof T & string>): Changes {
  return Object.fromEntries(fields.map((field) => [field, [null, row[field]]]));
}
