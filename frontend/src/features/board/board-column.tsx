'use client';

import { useDroppable } from '@dnd-kit/core';
import { memo, useState, type UIEvent } from 'react';
import type { Task, TaskStatus, WipLimit } from '@tandem/shared';
import { COLUMN_TITLES } from '@/lib/format';
import { AddTask } from './add-task';
import { CARD_HEIGHT, TaskCard, type CardNames } from './task-card';

const OVERSCAN = 6;

interface ColumnProps {
  workflowId: string;
  status: TaskStatus;
  tasks: Task[];
  /** Every task in the column, filters ignored: WIP counts what the server counts. */
  total: number;
  wip: WipLimit | undefined;
  names: CardNames;
  canDrag: boolean;
  /** Offer "+ Add task" (members and up, while the server is reachable). */
  canAdd: boolean;
  movedLive: Set<string>;
  onOpen: (taskId: string, section?: 'suggestions') => void;
  onCreated: (task: Task) => void;
}

/**
 * One board column. Only the cards in view (plus a few) are rendered, so a 5,000-task board stays fast;
 * spacers keep the scroll height right. Memoized: a change in one column (or a drag starting) does not
 * re-render the others.
 */
export const BoardColumn = memo(function BoardColumn({
  workflowId,
  status,
  tasks,
  total,
  wip,
  names,
  canDrag,
  canAdd,
  movedLive,
  onOpen,
  onCreated,
}: ColumnProps) {
  const { setNodeRef, isOver } = useDroppable({ id: `column:${status}`, data: { type: 'column', status } });
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(900);
  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    setScrollTop(event.currentTarget.scrollTop);
    setViewport(event.currentTarget.clientHeight);
  };
  const first = Math.max(0, Math.floor(scrollTop / CARD_HEIGHT) - OVERSCAN);
  const last = Math.min(tasks.length, Math.ceil((scrollTop + viewport) / CARD_HEIGHT) + OVERSCAN);
  const over = wip ? total > wip.limit : false;
  const atLimit = wip ? total >= wip.limit : false;
  return (
    <section
      className={isOver ? 'column drop-over' : 'column'}
      aria-labelledby={`column-${status}`}
      data-status={status}
      data-testid={`column-${status}`}
    >
      <header className="column-header">
        <h2 id={`column-${status}`}>{COLUMN_TITLES[status]}</h2>
        <span
          className={over ? 'wip over' : atLimit ? 'wip at-limit' : 'wip'}
          title={wip ? `${wip.hard ? 'Hard' : 'Soft'} WIP limit ${wip.limit}` : 'No WIP limit'}
          data-testid={`wip-${status}`}
        >
          {total}
          {wip ? ` / ${wip.limit}` : ''}
        </span>
      </header>
      <div ref={setNodeRef} className="column-body" onScroll={onScroll}>
        {tasks.length === 0 && <p className="column-empty">No tasks</p>}
        <div style={{ height: first * CARD_HEIGHT }} aria-hidden="true" />
        {tasks.slice(first, last).map((task) => (
          <TaskCard
            key={task.id}
            task={task}
            names={names}
            canDrag={canDrag}
            movedLive={movedLive.has(task.id)}
            onOpen={onOpen}
          />
        ))}
        <div style={{ height: (tasks.length - last) * CARD_HEIGHT }} aria-hidden="true" />
      </div>
      {canAdd && (
        <div className="column-foot">
          <AddTask workflowId={workflowId} status={status} onCreated={onCreated} />
        </div>
      )}
    </section>
  );
});
