import type { EntityManager } from '@mikro-orm/postgresql';
import { generateKeyBetween } from 'fractional-indexing';
import type { TaskStatus, WipLimits } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';

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

/**
 * Finds the slot from the neighbours the client named. With one neighbour the other side is the task really
 * adjacent to it in the column (hidden cards of a filtered view included), so the rank is always strictly between
 * two adjacent ranks and no other task is ever renumbered. Plain SQL (only ranks are needed): it runs on every
 * create and move, under the board lock.
 */
export async function findSlot(
  em: EntityManager,
  workflowId: string,
  placement: TaskPlacement,
  movingId: string | null,
): Promise<Slot> {
  const column = `workflow_id = ? and status = ? and deleted_at is null${movingId ? ' and id <> ?' : ''}`;
  const columnParams = [workflowId, placement.status, ...(movingId ? [movingId] : [])];
  /** The rank of the column's first task past `bound` (or of its last task), in the given direction. */
  const nearest = async (direction: 'asc' | 'desc', bound: string | null) => {
    const past = bound === null ? '' : ` and rank ${direction === 'asc' ? '>' : '<'} ?`;
    const [row] = await em.execute<Array<{ rank: string }>>(
      `select rank from tasks where ${column}${past} order by rank ${direction}, id ${direction} limit 1`,
      bound === null ? columnParams : [...columnParams, bound],
    );
    return row?.rank ?? null;
  };
  const neighbour = async (field: 'beforeId' | 'afterId', id: string) => {
    const [row] = await em.execute<
      Array<{ id: string; rank: string; workflow_id: string; status: string; deleted_at: Date | null }>
    >('select id, rank, workflow_id, status, deleted_at from tasks where id = ?', [id.toLowerCase()]);
    if (
      !row ||
      row.deleted_at ||
      row.workflow_id !== workflowId ||
      row.status !== placement.status ||
      row.id === movingId
    )
      throw AppError.badRequest(`${field} must be another task in the ${placement.status} column of this workflow`, {
        [field]: id,
      });
    return row;
  };
  const before = placement.beforeId ? await neighbour('beforeId', placement.beforeId) : null;
  const after = placement.afterId ? await neighbour('afterId', placement.afterId) : null;
  if (before && after && after.rank <= before.rank)
    throw AppError.badRequest('afterId must sit below beforeId', { beforeId: before.id, afterId: after.id });
  if (before) return { lower: before.rank, upper: await nearest('asc', before.rank) };
  if (after) return { lower: await nearest('desc', after.rank), upper: after.rank };
  return { lower: await nearest('desc', null), upper: null };
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
 * one returns the warning to pass on. Call it under the board's lock (`WorkflowsService.lockBoard`).
 */
export async function checkWipLimit(
  em: EntityManager,
  workflowId: string,
  wipLimits: WipLimits,
  status: TaskStatus,
): Promise<string[]> {
  const wip = wipLimits[status];
  if (!wip) return [];
  const [{ count }] = await em.execute<Array<{ count: number }>>(
    'select count(*)::int as count from tasks where workflow_id = ? and status = ? and deleted_at is null',
    [workflowId, status],
  );
  if (count + 1 <= wip.limit) return [];
  const reason = `Column ${status} is at its WIP limit (${count} of ${wip.limit})`;
  if (wip.hard)
    throw new AppError(ErrorCode.WipLimit, reason, { details: { status, limit: wip.limit, count, hard: true } });
  return [`${reason}; the soft limit is exceeded`];
}
