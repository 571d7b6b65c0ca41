'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { useSWRConfig } from 'swr';
import { TASK_PRIORITIES, type Task, type TaskPriority } from '@tandem/shared';
import { errorMessage, getClient, isConflict } from '@/lib/client';
import { COLUMN_TITLES, formatDate, formatTime, percent } from '@/lib/format';
import { Markdown } from '@/lib/markdown';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { field, useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { ConversationPanel, isConversation } from '@/features/approvals/conversation-panel';
import { CommentThread } from '@/features/comments/comment-thread';
import { useSession } from '@/features/shell/use-session';
import { parseLabels } from '@/features/board/new-task-form';
import { upsertTask } from '@/features/board/board-order';

function TaskEditForm({ task, onDone }: { task: Task; onDone: () => void }) {
  const { mutate } = useSWRConfig();
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const due = field(form, 'dueDate');
    try {
      const saved = await getClient().updateTask(task.id, {
        title: field(form, 'title').trim(),
        description: field(form, 'description'),
        priority: field(form, 'priority') as TaskPriority,
        dueDate: due ? new Date(`${due}T00:00:00`).toISOString() : null,
        labels: parseLabels(field(form, 'labels')),
        version: task.version,
      });
      await mutate(swrKeys.task(task.id), saved, { revalidate: false });
      await mutate(swrKeys.board(task.workflowId), (tasks: Task[] | undefined) => upsertTask(tasks, saved), {
        revalidate: false,
      });
      onDone();
    } catch (caught) {
      setError(
        isConflict(caught)
          ? 'Someone changed this task meanwhile; your edit was not saved. The form now shows their version.'
          : errorMessage(caught),
      );
      if (isConflict(caught) && caught.current) await mutate(swrKeys.task(task.id), caught.current as Task);
    }
  };
  return (
    <form className="stack" onSubmit={(event) => void submit(event)} key={task.version}>
      <label>
        Title
        <input name="title" defaultValue={task.title} required maxLength={2000} />
      </label>
      <label>
        Description (markdown)
        <textarea name="description" defaultValue={task.description} rows={5} />
      </label>
      <div className="row">
        <label>
          Priority
          <select name="priority" defaultValue={task.priority}>
            {TASK_PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {priority}
              </option>
            ))}
          </select>
        </label>
        <label>
          Due
          <input name="dueDate" type="date" defaultValue={task.dueDate ? task.dueDate.slice(0, 10) : ''} />
        </label>
      </div>
      <label>
        Labels
        <input name="labels" defaultValue={task.labels.join(', ')} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function TaskHistory({ taskId }: { taskId: string }) {
  const history = useApi(swrKeys.taskHistory(taskId), () => getClient().taskHistory(taskId, { limit: 100 }));
  if (history.error) return <ErrorState error={history.error} retry={() => void history.mutate()} />;
  if (!history.data) return <Loading what="history" />;
  if (history.data.items.length === 0) return <Empty>No history.</Empty>;
  return (
    <ol className="history">
      {history.data.items.map((entry) => (
        <li key={entry.seq}>
          <span className="muted">{formatTime(entry.at)}</span> <strong>{entry.actor.name}</strong> {entry.action}
          {Object.keys(entry.changes).length > 0 && (
            <span className="muted">
              {' '}
              (
              {Object.entries(entry.changes)
                .map(([field, [before, after]]) => `${field}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`)
                .join('; ')
                .slice(0, 300)}
              )
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

function TaskSuggestions({ taskId }: { taskId: string }) {
  const canDecide = useSession().can('approver');
  const suggestions = useApi(swrKeys.taskSuggestions(taskId), () =>
    getClient().listSuggestions({ taskId, limit: 100 }),
  );
  if (suggestions.error) return <ErrorState error={suggestions.error} retry={() => void suggestions.mutate()} />;
  if (!suggestions.data) return <Loading what="suggestions" />;
  if (suggestions.data.items.length === 0) return <Empty>No suggestions on this task.</Empty>;
  return (
    <ul className="suggestion-list">
      {suggestions.data.items.map((suggestion) => (
        <li key={suggestion.id}>
          <span className={`status-pill sg-${suggestion.status}`}>{suggestion.status}</span> {suggestion.action}{' '}
          <span className="muted">
            ({percent(suggestion.confidence)} confident
            {suggestion.decidedByName ? `, decided by ${suggestion.decidedByName}` : ''}
            {suggestion.decisionNote ? `: “${suggestion.decisionNote}”` : ''})
          </span>
          {isConversation(suggestion) && (
            <ConversationPanel suggestion={suggestion} canDecide={canDecide} onDecided={() => suggestions.mutate()} />
          )}
        </li>
      ))}
    </ul>
  );
}

/** Details, history, suggestions and comments of one task, beside the board. */
export function TaskDrawer({ taskId, onClose }: { taskId: string; onClose: () => void }) {
  const session = useSession();
  const task = useApi(swrKeys.task(taskId), () => getClient().getTask(taskId));
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside className="drawer" role="dialog" aria-modal="false" aria-label="Task details" data-testid="task-drawer">
      <button type="button" className="drawer-close link-button" onClick={onClose} aria-label="Close">
        ×
      </button>
      {task.error ? (
        <ErrorState error={task.error} retry={() => void task.mutate()} />
      ) : !task.data ? (
        <Loading what="task" />
      ) : editing ? (
        <TaskEditForm task={task.data} onDone={() => setEditing(false)} />
      ) : (
        <>
          <h2 className="drawer-title">{task.data.title}</h2>
          <dl className="details">
            <dt>Column</dt>
            <dd>{COLUMN_TITLES[task.data.status]}</dd>
            <dt>Priority</dt>
            <dd>{task.data.priority}</dd>
            <dt>Due</dt>
            <dd>{formatDate(task.data.dueDate)}</dd>
            <dt>Labels</dt>
            <dd>{task.data.labels.join(', ') || '—'}</dd>
            <dt>Created</dt>
            <dd>{formatTime(task.data.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(task.data.updatedAt)}</dd>
          </dl>
          {task.data.description ? (
            <Markdown source={task.data.description} />
          ) : (
            <p className="muted">No description.</p>
          )}
          {session.can('member') && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit task
            </button>
          )}
        </>
      )}
      <h3>Suggestions</h3>
      <TaskSuggestions taskId={taskId} />
      <h3>Comments</h3>
      <CommentThread taskId={taskId} />
      <h3>History</h3>
      <TaskHistory taskId={taskId} />
    </aside>
  );
}
