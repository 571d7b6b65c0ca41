'use client';

import { useDraggable, useDroppable } from '@dnd-kit/core';
import { memo } from 'react';
import type { Agent, Task } from '@tandem/shared';
import { formatDate, formatTime } from '@/lib/format';

export const CARD_HEIGHT = 112; // px including the gap; the column virtualizes by this fixed height

interface CardProps {
  task: Task;
  /** Every agent by id: the card shows its assignee and the holder of its claim. */
  agents: Map<string, Agent>;
  canDrag: boolean;
  movedLive: boolean;
  onOpen: (taskId: string) => void;
}

/** The card's face, shared by the board and the drag overlay. */
export function CardFace({ task, agents }: { task: Task; agents: Map<string, Agent> }) {
  const agent = task.agentId ? agents.get(task.agentId) : undefined;
  const claimer = task.claimedBy ? (agents.get(task.claimedBy)?.name ?? 'an agent') : null;
  const overdue = task.dueDate && task.status !== 'completed' && new Date(task.dueDate) < new Date();
  return (
    <>
      <span className="card-meta">
        <span className={`priority priority-${task.priority}`}>{task.priority}</span>
        {task.dueDate && <span className={overdue ? 'due overdue' : 'due'}>due {formatDate(task.dueDate)}</span>}
        {claimer && task.claimExpiresAt && (
          <span className="claim" title={`Claimed by ${claimer} until ${formatTime(task.claimExpiresAt)}`}>
            🔒 {claimer} until {formatTime(task.claimExpiresAt)}
          </span>
        )}
        {task.pendingSuggestions > 0 && (
          <span className="badge" title="Pending suggestions">
            {task.pendingSuggestions} pending
          </span>
        )}
      </span>
      <span className="card-title">{task.title}</span>
      <span className="card-meta">
        {agent && (
          <span className="agent" title={`Agent ${agent.name}: ${agent.status}`}>
            <span className={`dot status-${agent.status}`} aria-hidden="true" />
            {agent.name}
            <span className="sr-only"> ({agent.status})</span>
          </span>
        )}
        {task.labels.slice(0, 3).map((label) => (
          <span key={label} className="label">
            {label}
          </span>
        ))}
      </span>
    </>
  );
}

function TaskCardInner({ task, agents, canDrag, movedLive, onOpen }: CardProps) {
  const drag = useDraggable({ id: task.id, data: { type: 'card', status: task.status }, disabled: !canDrag });
  const drop = useDroppable({ id: `card:${task.id}`, data: { type: 'card', status: task.status, taskId: task.id } });
  const classes = ['task-card', drag.isDragging && 'dragging', drop.isOver && 'drop-over', movedLive && 'moved-live'];
  return (
    <div
      ref={drop.setNodeRef}
      className={classes.filter(Boolean).join(' ')}
      data-task-id={task.id}
      data-testid="task-card"
      style={{ height: CARD_HEIGHT - 8 }}
    >
      {canDrag && (
        <button
          type="button"
          ref={drag.setNodeRef}
          className="drag-handle"
          aria-label={`Move task ${task.title.slice(0, 80)}`}
          {...drag.attributes}
          {...drag.listeners}
        >
          ⠿
        </button>
      )}
      <button type="button" className="card-body" onClick={() => onOpen(task.id)}>
        <CardFace task={task} agents={agents} />
      </button>
    </div>
  );
}

export const TaskCard = memo(TaskCardInner);
