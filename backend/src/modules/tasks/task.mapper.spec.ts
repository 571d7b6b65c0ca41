import type { TaskStatus } from '@tandem/shared';
import { applyPatch } from '../../common/changes';
import type { TaskEntity } from './entities/task.entity';
import { statusFields, taskChanges, taskFieldsOf, toTask } from './task.mapper';

const AGENT = '0190a6b2-7c1e-7d4e-9a51-3f2b8c9d0e1f';

function task(overrides: Partial<TaskEntity> = {}): TaskEntity {
  return {
    id: 'task-1',
    workflow: 'wf-1',
    title: 'Write the report',
    description: '',
    status: 'todo',
    rank: 'a0',
    priority: 'medium',
    dueDate: null,
    agent: null,
    assigneeUser: null,
    labels: ['docs'],
    startedAt: null,
    completedAt: null,
    durationSeconds: null,
    claimedBy: null,
    claimExpiresAt: null,
    createdBy: 'u1',
    updatedBy: 'u1',
    deletedAt: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    version: 3,
    ...overrides,
  } as TaskEntity;
}

/** What the tasks service does with an update request or an approved `task.update` payload. */
function applyPayload(target: TaskEntity, payload: Parameters<typeof taskFieldsOf>[0]) {
  const before = toTask(target, 0);
  applyPatch(target, taskFieldsOf(payload));
  return taskChanges(before, toTask(target, 0));
}

describe('applying a task payload', () => {
  it('changes only the fields the payload names, and reports each as [before, after]', () => {
    const target = task();
    const changes = applyPayload(target, { title: 'Write the final report', priority: 'high' });
    expect(changes).toEqual({ title: ['Write the report', 'Write the final report'], priority: ['medium', 'high'] });
    expect(target.labels).toEqual(['docs']);
  });

  it('parses the due date, lower-cases ids, and clears a field given null', () => {
    const target = task({ assigneeUser: 'u2' });
    const changes = applyPayload(target, {
      dueDate: '2026-03-01T12:00:00.000Z',
      agentId: AGENT.toUpperCase(),
      assigneeUserId: null,
    });
    expect(target.dueDate).toEqual(new Date('2026-03-01T12:00:00.000Z'));
    expect(changes).toEqual({
      dueDate: [null, '2026-03-01T12:00:00.000Z'],
      agentId: [null, AGENT],
      assigneeUserId: ['u2', null],
    });
  });

  it('reports nothing when the payload repeats the current values (the service then writes no audit entry)', () => {
    const target = task({ dueDate: new Date('2026-03-01T12:00:00.000Z') });
    expect(
      applyPayload(target, { title: 'Write the report', labels: ['docs'], dueDate: '2026-03-01T12:00:00Z' }),
    ).toEqual({});
  });

  it('derives the timestamps of a status change: started once, finished with a duration, reopened clears', () => {
    const target = task({ claimedBy: 'agent-1' });
    const enter = (status: TaskStatus, at: string) => Object.assign(target, statusFields(target, status, new Date(at)));
    enter('in_progress', '2026-01-02T10:00:00Z');
    expect(target.startedAt).toEqual(new Date('2026-01-02T10:00:00Z'));
    enter('completed', '2026-01-02T10:05:00Z');
    expect(target).toMatchObject({ durationSeconds: 300, claimedBy: null });
    expect(statusFields(target, 'failed', new Date('2026-01-02T11:00:00Z'))).toEqual({ status: 'failed' });
    enter('in_progress', '2026-01-03T00:00:00Z');
    expect(target).toMatchObject({ completedAt: null, durationSeconds: null });
    expect(target.startedAt).toEqual(new Date('2026-01-02T10:00:00Z'));
  });
});
