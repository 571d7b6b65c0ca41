import type { AuditEntry } from '@tandem/shared';
import { historySentence, type Names } from '@/features/drawer/history-sentences';

const names: Names = {
  agent: (id) => (id === 'a1' ? 'scout' : undefined),
  person: (id) => (id === 'u1' ? 'Ada Admin' : undefined),
};

function entry(action: AuditEntry['action'], changes: AuditEntry['changes'] = {}, data: unknown = {}): AuditEntry {
  return {
    seq: 1,
    at: '2026-01-01T00:00:00.000Z',
    actor: { type: 'human', id: 'u1', name: 'Ada' },
    onBehalfOf: null,
    action,
    outcome: 'success',
    entityType: 'task',
    entityId: 't1',
    workflowId: 'w1',
    changes,
    context: {},
    data,
    requestId: null,
    ip: null,
    userAgent: null,
    prevHash: '',
    hash: '',
  };
}

describe('task history as sentences', () => {
  it('says a move with the column names as shown, never the rank', () => {
    const moved = entry('task.moved', { status: ['pending', 'in_progress'], rank: ['a2', 'Zy'] });
    expect(historySentence(moved, names)).toBe('Ada moved it from Pending to In progress');
    expect(historySentence(entry('task.moved', { rank: ['a2', 'Zy'] }, { status: 'review' }), names)).toBe(
      'Ada changed its place in Review',
    );
  });

  it('says edits in words, with names for assignees, and skips bookkeeping fields', () => {
    const updated = entry('task.updated', {
      title: ['Old', 'New title'],
      labels: [['a'], ['a', 'b']],
      agentId: [null, 'a1'],
      updatedAt: [null, null],
    });
    expect(historySentence(updated, names)).toBe(
      'Ada renamed it to “New title”, added the label b and assigned it to scout',
    );
    expect(historySentence(entry('task.updated', { assigneeUserId: ['u1', null] }), names)).toBe(
      'Ada unassigned Ada Admin',
    );
    expect(historySentence(entry('task.updated', { rank: ['a', 'b'] }), names)).toBe('Ada edited it');
    expect(historySentence(entry('task.updated', { dueDate: ['2026-01-02T00:00:00.000Z', null] }), names)).toBe(
      'Ada removed the due date',
    );
  });

  it('says suggestions and comments by what they propose', () => {
    const data = { action: 'Rename the task' };
    expect(historySentence(entry('suggestion.changes_requested', {}, data), names)).toBe(
      'Ada asked for changes to “Rename the task”',
    );
    expect(historySentence(entry('comment.added'), names)).toBe('Ada commented');
    expect(historySentence(entry('task.created', {}, { status: 'review' }), names)).toBe('Ada created it in Review');
  });

  it('never prints null → null or raw JSON', () => {
    const sentence = historySentence(entry('task.updated', { startedAt: [null, null] }), names);
    expect(sentence).not.toMatch(/null|→|\{/);
  });
});
