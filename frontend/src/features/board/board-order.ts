import { TASK_STATUSES, type EventEnvelope, type Task, type TaskPriority, type TaskStatus } from '@tandem/shared';

export type Columns = Record<TaskStatus, Task[]>;

/** Ranks are fractional-index strings: plain code-unit order, never locale order. */
const byRank = (a: Task, b: Task) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0);

/**
 * Columns in the order the tasks are given: the board cache is kept sorted (sortBoard), and an optimistic move
 * is placed by position, since its new rank is only known once the server answers.
 */
export function groupColumns(tasks: Task[]): Columns {
  const columns = Object.fromEntries(TASK_STATUSES.map((status) => [status, [] as Task[]])) as Columns;
  for (const task of tasks) columns[task.status].push(task);
  return columns;
}

/** The board after a live event: the task replaced (or added), in column and rank order. */
export function upsertTask(tasks: Task[] | undefined, task: Task): Task[] {
  const rest = (tasks ?? []).filter((existing) => existing.id !== task.id);
  const current = (tasks ?? []).find((existing) => existing.id === task.id);
  // A late event must not undo a newer state (the optimistic copy or an event already applied).
  if (current && current.version > task.version) return tasks ?? [];
  return sortBoard([...rest, task]);
}

export function removeTask(tasks: Task[] | undefined, taskId: string): Task[] {
  return (tasks ?? []).filter((task) => task.id !== taskId);
}

/** The board after a `task.*` event from the workflow's channel (the event's data is the task after it). */
export function applyTaskEvent(tasks: Task[] | undefined, event: EventEnvelope): Task[] {
  const task = event.data as Task;
  return event.type === 'task.deleted' ? removeTask(tasks, task.id) : upsertTask(tasks, task);
}

export function sortBoard(tasks: Task[]): Task[] {
  const columns = groupColumns(tasks);
  return TASK_STATUSES.flatMap((status) => columns[status].sort(byRank));
}

export interface BoardFilter {
  text?: string;
  priority?: TaskPriority;
  agentId?: string;
  assigneeUserId?: string;
  label?: string;
}

export const FILTER_KEYS = ['text', 'priority', 'agentId', 'assigneeUserId', 'label'] as const;

export function matchesFilter(task: Task, filter: BoardFilter): boolean {
  if (filter.priority && task.priority !== filter.priority) return false;
  if (filter.agentId && task.agentId !== filter.agentId) return false;
  if (filter.assigneeUserId && task.assigneeUserId !== filter.assigneeUserId) return false;
  if (filter.label && !task.labels.includes(filter.label)) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    if (!task.title.toLowerCase().includes(needle) && !task.description.toLowerCase().includes(needle)) return false;
  }
  return true;
}

export interface Placement {
  status: TaskStatus;
  beforeId: string | null;
  afterId: string | null;
}

/**
 * Where a dropped card goes, in terms of the FULL column (filtered-out cards included), so that a move inside a
 * filtered view lands right next to the visible neighbour the user dropped it by.
 * `overId` is the visible card it was dropped on (null: the column's empty space, i.e. the end of the visible
 * cards). Dropping on a card below the dragged one in the same column places it after that card, else before.
 */
export function placeDrop(
  tasks: Task[],
  visible: Columns,
  movedId: string,
  status: TaskStatus,
  overId: string | null,
): Placement | null {
  const full = groupColumns(tasks.filter((task) => task.id !== movedId))[status];
  const moved = tasks.find((task) => task.id === movedId);
  if (!moved) return null;
  const indexIn = (id: string) => full.findIndex((task) => task.id === id);
  let insertAt: number;
  if (overId && overId !== movedId) {
    const overIndex = indexIn(overId);
    if (overIndex < 0) return null;
    const visibleColumn = visible[status];
    const movingDown =
      moved.status === status &&
      visibleColumn.findIndex((task) => task.id === movedId) < visibleColumn.findIndex((task) => task.id === overId);
    insertAt = movingDown ? overIndex + 1 : overIndex;
  } else if (overId === movedId) {
    return null;
  } else {
    // Already the last visible card of its column: dropping it at the end changes nothing the user can see,
    // so the hidden cards below it stay where they are.
    if (moved.status === status && visible[status].at(-1)?.id === movedId) return null;
    const lastVisible = visible[status].filter((task) => task.id !== movedId).at(-1);
    insertAt = lastVisible ? indexIn(lastVisible.id) + 1 : full.length;
  }
  const beforeId = full[insertAt - 1]?.id ?? null;
  const afterId = full[insertAt]?.id ?? null;
  const columnNow = groupColumns(tasks)[moved.status];
  const unchanged =
    moved.status === status &&
    (columnNow[columnNow.indexOf(moved) - 1]?.id ?? null) === beforeId &&
    (columnNow[columnNow.indexOf(moved) + 1]?.id ?? null) === afterId;
  return unchanged ? null : { status, beforeId, afterId };
}

/** The board with the card already where the user dropped it (the optimistic state until the server answers). */
export function applyPlacement(tasks: Task[], movedId: string, placement: Placement): Task[] {
  const moved = tasks.find((task) => task.id === movedId);
  if (!moved) return tasks;
  const columns = groupColumns(tasks.filter((task) => task.id !== movedId));
  const target = columns[placement.status];
  const afterIndex = placement.afterId ? target.findIndex((task) => task.id === placement.afterId) : -1;
  const beforeIndex = placement.beforeId ? target.findIndex((task) => task.id === placement.beforeId) : -1;
  const at = afterIndex >= 0 ? afterIndex : beforeIndex >= 0 ? beforeIndex + 1 : target.length;
  target.splice(at, 0, { ...moved, status: placement.status });
  return TASK_STATUSES.flatMap((status) => columns[status]);
}
