import type { EntityManager } from '@mikro-orm/postgresql';
import { generateKeyBetween } from 'fractional-indexing';
import type { TaskStatus } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import type { WorkflowEntity } from '../workflows/entities/workflow.entity';
import { TaskEntity } from './entities/task.entity';

/** Where a task should go: a column, and optionally the tasks just above (`beforeId`) and below (`afterId`). */
export interface TaskPlacement {
  status: TaskStatus;
  beforeId?: string | null;
  afterId?: string | null;
}

/** The ranks of the two adjacent tasks a task goes between in the full column; null is an open end. */
export interface Slot {
  lower: string | null;
  upper: string | null;
}

/** Namespace of the per-workflow advisory lock, apart from the audit chain's single-key lock. */
const BOARD_LOCK_SPACE = 7481;

/**
 * Serializes rank assignment and WIP counting per workflow until commit, so that two concurrent creates or
 * moves into one column never get the same rank or both slip under a hard limit.
 */
export async function lockBoard(em: EntityManager, workflowId: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(?, hashtext(?))', [BOARD_LOCK_SPACE, workflowId]);
}

/**
 * Finds the slot from the neighbours the client named. With one neighbour the other side is the task really
 * adjacent to it in the column (hidden cards of a filtered view included), so the rank is always strictly between
 * two adjacent ranks and no other task is ever renumbered.
 */
export async function findSlot(
  em: EntityManager,
  workflowId: string,
  placement: TaskPlacement,
  movingId: string | null,
): Promise<Slot> {
  const column = {
    workflow: workflowId,
    status: placement.status,
    deletedAt: null,
    ...(movingId ? { id: { $ne: movingId } } : {}),
  };
  const neighbour = async (field: 'beforeId' | 'afterId', id: string) => {
    const row = await em.findOne(TaskEntity, { id: id.toLowerCase() });
    if (!row || row.deletedAt || row.workflow !== workflowId || row.status !== placement.status || row.id === movingId)
      throw AppError.badRequest(`${field} must be another task in the ${placement.status} column of this workflow`, {
        [field]: id,
      });
    return row;
  };
  const before = placement.beforeId ? await neighbour('beforeId', placement.beforeId) : null;
  const after = placement.afterId ? await neighbour('afterId', placement.afterId) : null;
  if (before && after && after.rank <= before.rank)
    throw AppError.badRequest('afterId must sit below beforeId', { beforeId: before.id, afterId: after.id });
  if (before) {
    const next = await em.findOne(
      TaskEntity,
      { ...column, rank: { $gt: before.rank } },
      { orderBy: { rank: 'asc', id: 'asc' } },
    );
    return { lower: before.rank, upper: next?.rank ?? null };
  }
  if (after) {
    const previous = await em.findOne(
      TaskEntity,
      { ...column, rank: { $lt: after.rank } },
      { orderBy: { rank: 'desc', id: 'desc' } },
    );
    return { lower: previous?.rank ?? null, upper: after.rank };
  }
  const last = await em.findOne(TaskEntity, column, { orderBy: { rank: 'desc', id: 'desc' } });
  return { lower: last?.rank ?? null, upper: null };
}

/** Whether a rank already sits inside the slot (a move onto the same place). */
export function fitsSlot(rank: string, slot: Slot): boolean {
  return (slot.lower === null || rank > slot.lower) && (slot.upper === null || rank < slot.upper);
}

export function rankIn(slot: Slot): string {
  return generateKeyBetween(slot.lower, slot.upper);
}

/**
 * Checks the target column's WIP limit for one more task: over a hard limit throws 409 `wip_limit`, over a soft
 * one returns the warning to pass on. Call it under `lockBoard`.
 */
export async function checkWipLimit(
  em: EntityManager,
  workflow: WorkflowEntity,
  status: TaskStatus,
): Promise<string[]> {
  const wip = workflow.wipLimits[status];
  if (!wip) return [];
  const count = await em.count(TaskEntity, { workflow: workflow.id, status, deletedAt: null });
  if (count + 1 <= wip.limit) return [];
  const reason = `Column ${status} is at its WIP limit (${count} of ${wip.limit})`;
  if (wip.hard)
    throw new AppError(ErrorCode.WipLimit, reason, { details: { status, limit: wip.limit, count, hard: true } });
  return [`${reason}; the soft limit is exceeded`];
}
