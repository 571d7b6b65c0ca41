'use client';

import { useDraggable, useDroppable } from '@dnd-kit/core';
import { memo } from 'react';
import type { Agent, PersonSummary, Task } from '@tandem/shared';
import { formatDate, initials } from '@/lib/format';

export const CARD_HEIGHT = 92; // px including the gap; the column virtualizes by this fixed height

/** Names the card shows: agents (assignee, claim holder) and people (assignee). */
export interface CardNames {
  agents: Map<string, Agent>;
  people: Map<string, PersonSummary>;
}

interface CardProps {
  task: Task;
  names: CardNames;
  canDrag: boolean;
  movedLive: boolean;
  onOpen: (taskId: string, section?: 'suggestions') => void;
}

/**
 * The card's small icons, drawn rather than emoji: a system without an emoji font shows an empty box instead.
 * Paths on a 16 × 16 grid; `evenodd` cuts the holes (the clock's face, the lock's shackle).
 */
const ICONS = {
  clock:
    'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 1.6a5.4 5.4 0 1 1 0 10.8A5.4 5.4 0 0 1 8 2.6zM7.2 4h1.6v3.6l2.6 1.5-.8 1.4-3.4-2z',
  lock: 'M4.5 7V5a3.5 3.5 0 0 1 7 0v2h.5a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h.5zm1.6 0h3.8V5a1.9 1.9 0 0 0-3.8 0v2z',
  comment: 'M2 2h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H7l-4 3v-3H2a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1z',
} as const;

function Icon({ name }: { name: keyof typeof ICONS }) {
  return (
    <svg aria-hidden="true" width="12" height="12" viewBox="0 0 16 16" fill="currentColor" className="icon">
      <path fillRule="evenodd" d={ICONS[name]} />
    </svg>
  );
}

const shortTime = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** Who the task is assigned to: a person's initials, or an agent's with its live status. */
function Assignee({ task, names }: { task: Task; names: CardNames }) {
  const agent = task.agentId ? names.agents.get(task.agentId) : undefined;
  const person = task.assigneeUserId ? names.people.get(task.assigneeUserId) : undefined;
  if (!agent && !person) return null;
  return (
    <span className="assignees">
      {person && (
        <span className="avatar small human" title={`Assigned to ${person.name}`}>
          {initials(person.name)}
          <span className="sr-only">Assigned to {person.name}</span>
        </span>
      )}
      {agent && (
        <span className="agent" title={`Agent ${agent.name}: ${agent.status}`}>
          <span className="avatar small agent" aria-hidden="true">
            {initials(agent.name)}
          </span>
          <span className={`dot status-${agent.revoked ? 'revoked' : agent.status}`} aria-hidden="true" />
          <span className="sr-only">
            Agent {agent.name} ({agent.status})
          </span>
        </span>
      )}
    </span>
  );
}

/** The card's face, shared by the board and the drag overlay: title, then one compact line of facts. */
export function CardFace({ task, names }: { task: Task; names: CardNames }) {
  const claimer = task.claimedBy ? (names.agents.get(task.claimedBy)?.name ?? 'an agent') : null;
  const overdue = task.dueDate && task.status !== 'completed' && new Date(task.dueDate) < new Date();
  return (
    <>
      <span className="card-title">{task.title}</span>
      <span className="card-meta">
        {task.priority === 'high' && <span className="priority priority-high">high</span>}
        {task.dueDate && (
          <span className={overdue ? 'due overdue' : 'due'} title={overdue ? 'Overdue' : 'Due date'}>
            <Icon name="clock" />
            <span className="sr-only">{overdue ? 'Overdue, due' : 'Due'} </span>
            {formatDate(task.dueDate)}
          </span>
        )}
        {claimer && task.claimExpiresAt && (
          <span className="claim" title={`Claimed by ${claimer} until ${shortTime(task.claimExpiresAt)}`}>
            <Icon name="lock" /> {claimer} until {shortTime(task.claimExpiresAt)}
          </span>
        )}
        {task.labels.slice(0, 2).map((label) => (
          <span key={label} className="label">
            {label}
          </span>
        ))}
        {task.labels.length > 2 && <span className="muted">+{task.labels.length - 2}</span>}
        {task.commentCount > 0 && (
          <span className="comments" title={`${task.commentCount} comments`}>
            <Icon name="comment" /> {task.commentCount}
            <span className="sr-only"> comments</span>
          </span>
        )}
        <Assignee task={task} names={names} />
      </span>
    </>
  );
}

function TaskCardInner({ task, names, canDrag, movedLive, onOpen }: CardProps) {
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
      <button type="button" className="card-body" onClick={() => onOpen(task.id)} data-card-open={task.id}>
        <CardFace task={task} names={names} />
      </button>
      {task.pendingSuggestions > 0 && (
        <button
          type="button"
          className="badge"
          onClick={() => onOpen(task.id, 'suggestions')}
          title="Review the pending suggestions"
          data-testid="pending-badge"
        >
          {task.pendingSuggestions} pending<span className="sr-only"> suggestions: review</span>
        </button>
      )}
    </div>
  );
}

export const TaskCard = memo(TaskCardInner);
