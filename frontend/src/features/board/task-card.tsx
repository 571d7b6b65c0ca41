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
            <span aria-hidden="true">⏰</span>
            <span className="sr-only">{overdue ? 'Overdue, due' : 'Due'} </span>
            {formatDate(task.dueDate)}
          </span>
        )}
        {claimer && task.claimExpiresAt && (
          <span className="claim" title={`Claimed by ${claimer} until ${shortTime(task.claimExpiresAt)}`}>
            <span aria-hidden="true">🔒</span> {claimer} until {shortTime(task.claimExpiresAt)}
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
            {/* Drawn, not an emoji: a system without an emoji font shows an empty box instead. */}
            <svg aria-hidden="true" width="12" height="12" viewBox="0 0 16 16" fill="currentColor">
              <path d="M2 2h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H7l-4 3v-3H2a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1z" />
            </svg>{' '}
            {task.commentCount}
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
