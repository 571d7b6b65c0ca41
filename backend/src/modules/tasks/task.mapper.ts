import type { Changes, Task, TaskStatus, UpdateTaskRequest } from '@tandem/shared';
import type { TaskRow } from './task-rows';

export const FINISHED: readonly TaskStatus[] = ['completed', 'failed'];

/** A claim counts only while its lease runs: an expired one is free without anyone clearing it. */
export function activeClaim(task: TaskRow, now: Date): boolean {
  return task.claimedBy !== null && task.claimExpiresAt !== null && task.claimExpiresAt > now;
}

export function toTask(task: TaskRow, pendingSuggestions: number, now = new Date(), commentCount = 0): Task {
  const claimed = activeClaim(task, now);
  return {
    id: task.id,
    workflowId: task.workflow,
    title: task.title,
    description: task.description,
    status: task.status,
    rank: task.rank,
    priority: task.priority,
    dueDate: task.dueDate?.toISOString() ?? null,
    agentId: task.agent,
    assigneeUserId: task.assigneeUser,
    labels: task.labels,
    startedAt: task.startedAt?.toISOString() ?? null,
    completedAt: task.completedAt?.toISOString() ?? null,
    durationSeconds: task.durationSeconds,
    claimedBy: claimed ? task.claimedBy : null,
    claimExpiresAt: claimed ? (task.claimExpiresAt?.toISOString() ?? null) : null,
    createdBy: task.createdBy,
    updatedBy: task.updatedBy,
    pendingSuggestions,
    commentCount,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
    version: task.version,
  };
}

/** Bookkeeping fields that change with every write and say nothing about the change itself. */
const NOT_CHANGES = new Set<keyof Task>(['updatedAt', 'updatedBy', 'version', 'pendingSuggestions', 'commentCount']);

/** `{field: [before, after]}` between two shapes of one task, in the API's field names (DESIGN 6). */
export function taskChanges(before: Task, after: Task): Changes {
  const changes: Changes = {};
  for (const key of Object.keys(after) as Array<keyof Task>) {
    if (NOT_CHANGES.has(key)) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = [before[key], after[key]];
  }
  return changes;
}

/**
 * The fields that entering `status` sets: the status, `startedAt` on first entering in_progress, `completedAt` and
 * `durationSeconds` on entering a finished column (cleared on leaving it). Finishing releases any claim.
 */
export function statusFields(task: TaskRow, status: TaskStatus, now: Date): Partial<TaskRow> {
  const fields: Partial<TaskRow> = { status };
  if (status === 'in_progress' && !task.startedAt) fields.startedAt = now;
  if (!FINISHED.includes(status)) return { ...fields, completedAt: null, durationSeconds: null };
  if (FINISHED.includes(task.status) && task.completedAt) return fields;
  const startedAt = fields.startedAt ?? task.startedAt;
  return {
    ...fields,
    completedAt: now,
    durationSeconds: startedAt ? Math.round((now.getTime() - startedAt.getTime()) / 1000) : null,
    claimedBy: null,
    claimExpiresAt: null,
  };
}

/**
 * A field patch (an update request, or an approved `task.update` suggestion's payload) as entity fields: absent
 * fields stay undefined (untouched), null clears, the due date becomes a Date, ids are lower-cased.
 */
export function taskFieldsOf(patch: Omit<UpdateTaskRequest, 'version'>): Partial<TaskRow> {
  return {
    title: patch.title,
    description: patch.description,
    priority: patch.priority,
    dueDate: patch.dueDate === undefined ? undefined : patch.dueDate === null ? null : new Date(patch.dueDate),
    agent: patch.agentId === undefined ? undefined : (patch.agentId?.toLowerCase() ?? null),
    assigneeUser: patch.assigneeUserId === undefined ? undefined : (patch.assigneeUserId?.toLowerCase() ?? null),
    labels: patch.labels,
  };
}
