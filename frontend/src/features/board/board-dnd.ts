import {
  closestCenter,
  pointerWithin,
  rectIntersection,
  type Announcements,
  type CollisionDetection,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import type { Task, TaskStatus } from '@tandem/shared';
import { COLUMN_TITLES } from '@/lib/format';
import { CARD_HEIGHT } from './task-card';

export const COLUMN_STEP = 276; // column width + gap (globals.css .column, .board)

/** Arrow keys move a picked-up card by one column sideways and by one card up or down. */
export const keyboardCoordinates: KeyboardCoordinateGetter = (event, { currentCoordinates }) => {
  switch (event.code) {
    case 'ArrowRight':
      return { ...currentCoordinates, x: currentCoordinates.x + COLUMN_STEP };
    case 'ArrowLeft':
      return { ...currentCoordinates, x: currentCoordinates.x - COLUMN_STEP };
    case 'ArrowDown':
      return { ...currentCoordinates, y: currentCoordinates.y + CARD_HEIGHT };
    case 'ArrowUp':
      return { ...currentCoordinates, y: currentCoordinates.y - CARD_HEIGHT };
    default:
      return undefined;
  }
};

/**
 * First the column under the pointer (or under the dragged card, for the keyboard), then the card in that
 * column: a card wins over its column, the column's empty space means "at the end".
 */
export const boardCollision: CollisionDetection = (args) => {
  const containers = args.droppableContainers;
  const columns = containers.filter((container) => container.data.current?.type === 'column');
  const hit = (args.pointerCoordinates ? pointerWithin : rectIntersection)({ ...args, droppableContainers: columns });
  const column = hit[0];
  if (!column) return [];
  const status = (columns.find((container) => container.id === column.id)?.data.current as { status: TaskStatus })
    .status;
  const cards = containers.filter(
    (container) => container.data.current?.type === 'card' && container.data.current?.status === status,
  );
  const card = args.pointerCoordinates
    ? pointerWithin({ ...args, droppableContainers: cards })
    : closestCenter({ ...args, droppableContainers: cards });
  return card.length ? [card[0]] : [column];
};

/** Where a droppable id points: a card (`card:<id>`) or a column's end (`column:<status>`). */
export function parseOver(
  id: string | number | undefined,
  tasksById: Map<string, Task>,
): { status: TaskStatus; overId: string | null } | null {
  if (typeof id !== 'string') return null;
  if (id.startsWith('column:')) return { status: id.slice('column:'.length) as TaskStatus, overId: null };
  if (id.startsWith('card:')) {
    const task = tasksById.get(id.slice('card:'.length));
    return task ? { status: task.status, overId: task.id } : null;
  }
  return null;
}

function describeOver(id: string | number | undefined, tasksById: Map<string, Task>): string {
  const over = parseOver(id, tasksById);
  if (!over) return 'not over a column';
  const column = COLUMN_TITLES[over.status];
  const task = over.overId ? tasksById.get(over.overId) : undefined;
  return task ? `over task ${task.title.slice(0, 80)} in ${column}` : `at the end of ${column}`;
}

/** What a screen reader hears while a card is dragged (dnd-kit live region). */
export function boardAnnouncements(tasksById: Map<string, Task>): Announcements {
  const title = (id: string | number) => tasksById.get(String(id))?.title.slice(0, 80) ?? 'task';
  return {
    onDragStart: ({ active }) =>
      `Picked up task ${title(active.id)}. Use the arrow keys to move it between columns, space to drop, escape to cancel.`,
    onDragOver: ({ active, over }) => `Task ${title(active.id)} is ${describeOver(over?.id, tasksById)}.`,
    onDragEnd: ({ active, over }) =>
      over
        ? `Task ${title(active.id)} was dropped ${describeOver(over.id, tasksById)}.`
        : `Task ${title(active.id)} was dropped where it was.`,
    onDragCancel: ({ active }) => `Moving task ${title(active.id)} was cancelled; it is back where it was.`,
  };
}

export const screenReaderInstructions = {
  draggable:
    'To pick up a task, press space or enter. Arrow keys move it: left and right between columns, up and down ' +
    'within a column. Press space or enter again to drop it, or escape to cancel.',
};
