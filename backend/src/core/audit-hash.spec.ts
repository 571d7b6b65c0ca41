import type { AuditEntry } from '@tandem/shared';
import { hashEntry, prepareLink } from './audit-hash';

const base: Omit<AuditEntry, 'hash' | 'seq' | 'prevHash' | 'at'> = {
  actor: { type: 'human', id: 'u1', name: 'Ann "the" Admin' },
  onBehalfOf: null,
  action: 'task.moved',
  outcome: 'success',
  entityType: 'task',
  entityId: 't1',
  workflowId: 'w1',
  changes: { status: ['pending', 'review'], rank: ['a0', 'a1'] },
  context: { z: 1, a: [{ b: 2, a: 'é\u2028' }], nested: { y: null, x: true } },
  data: { id: 't1', title: 'ünïcode \n "quoted"', labels: ['b', 'a'], dueDate: null },
  requestId: 'r1',
  ip: '127.0.0.1',
  userAgent: null,
};

describe('prepareLink', () => {
  it('hashes exactly as hashEntry does, whatever the chain fields', () => {
    const link = prepareLink(base);
    for (const [seq, prevHash, at] of [
      [1, '0'.repeat(64), '2026-01-01T00:00:00.000Z'],
      [987654321, 'ab'.repeat(32), '1999-12-31T23:59:59.999Z'],
    ] as const) {
      expect(link({ seq, prevHash, at })).toBe(hashEntry({ ...base, seq, prevHash, at }));
    }
  });

  it('covers every field: a changed field changes the hash', () => {
    const chain = { seq: 5, prevHash: 'f'.repeat(64), at: '2026-01-01T00:00:00.000Z' };
    const hashed = prepareLink(base)(chain);
    expect(prepareLink({ ...base, data: { ...(base.data as object), title: 'other' } })(chain)).not.toBe(hashed);
    expect(prepareLink({ ...base, requestId: null })(chain)).not.toBe(hashed);
    expect(prepareLink({ ...base, userAgent: 'x' })(chain)).toBe(hashEntry({ ...base, userAgent: 'x', ...chain }));
  });
});
