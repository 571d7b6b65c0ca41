'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSWRConfig } from 'swr';
import { TASK_PRIORITIES, type Suggestion, type Task, type TaskPriority } from '@tandem/shared';
import { ConversationPanel, isConversation } from '@/features/approvals/conversation-panel';
import { DecisionPanel, type DecisionMode } from '@/features/approvals/decision-panel';
import { PayloadDiff } from '@/features/approvals/approval-queue';
import { reviewState, RevisionChanges, timeLeft, useNow } from '@/features/approvals/suggestion-facts';
import { errorMessage, getClient, isConflict } from '@/lib/client';
import { COLUMN_TITLES, formatDate, formatTime, percent } from '@/lib/format';
import { Markdown } from '@/lib/markdown';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { field, useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { CommentThread } from '@/features/comments/comment-thread';
import { useSession } from '@/features/shell/use-session';
import { upsertTask } from '@/features/board/board-order';
import { titleProblem } from '@/features/board/add-task';
import { useAgentsById, usePeople } from '@/lib/directory';
import { useWorkflow } from '@/features/board/use-board';
import { historySentence } from './history-sentences';

export function parseLabels(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((label) => label.trim())
        .filter(Boolean),
    ),
  ];
}

function TaskEditForm({ task, onDone }: { task: Task; onDone: () => void }) {
  const { mutate } = useSWRConfig();
  const [error, setError] = useState<string>();
  const people = usePeople();
  const agents = useAgentsById();
  const workflow = useWorkflow(task.workflowId);
  const workflowAgents = (workflow.data?.agentIds ?? [])
    .concat(task.agentId && !workflow.data?.agentIds.includes(task.agentId) ? [task.agentId] : [])
    .map((id) => agents.get(id))
    .filter((agent) => !!agent);
  const titleInput = useRef<HTMLInputElement>(null);
  useEffect(() => titleInput.current?.focus(), []);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const due = field(form, 'dueDate');
    const title = field(form, 'title');
    const problem = titleProblem(title);
    if (problem) {
      setError(problem);
      titleInput.current?.focus();
      return;
    }
    try {
      const saved = await getClient().updateTask(task.id, {
        title: title.trim(),
        description: field(form, 'description'),
        priority: field(form, 'priority') as TaskPriority,
        dueDate: due ? new Date(`${due}T00:00:00`).toISOString() : null,
        labels: parseLabels(field(form, 'labels')),
        assigneeUserId: field(form, 'assigneeUserId') || null,
        agentId: field(form, 'agentId') || null,
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
        <input name="title" defaultValue={task.title} ref={titleInput} aria-invalid={error ? true : undefined} />
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
        Labels (comma separated)
        <input name="labels" defaultValue={task.labels.join(', ')} />
      </label>
      <div className="row">
        <label>
          Person
          <select name="assigneeUserId" defaultValue={task.assigneeUserId ?? ''}>
            <option value="">Nobody</option>
            {(people.data ?? [])
              .filter((person) => !person.disabled || person.id === task.assigneeUserId)
              .map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name}
                </option>
              ))}
          </select>
        </label>
        <label>
          Agent
          <select name="agentId" defaultValue={task.agentId ?? ''}>
            <option value="">No agent</option>
            {workflowAgents.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.name}
              </option>
            ))}
          </select>
        </label>
      </div>
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
  const agents = useAgentsById();
  const people = usePeople();
  if (history.error) return <ErrorState error={history.error} retry={() => void history.mutate()} />;
  if (!history.data) return <Loading what="history" />;
  if (history.data.items.length === 0) return <Empty>No history.</Empty>;
  const names = { agent: (id: string) => agents.get(id)?.name, person: (id: string) => people.byId.get(id)?.name };
  return (
    <ol className="history" data-testid="task-history">
      {history.data.items.map((entry) => (
        <li key={entry.seq}>
          <span>{historySentence(entry, names)}</span> <span className="muted small">{formatTime(entry.at)}</span>
        </li>
      ))}
    </ol>
  );
}

/** A pending suggestion in the drawer, decided right here (approvers). */
function PendingSuggestion({
  suggestion,
  task,
  canDecide,
}: {
  suggestion: Suggestion;
  task: Task | undefined;
  canDecide: boolean;
}) {
  const [mode, setMode] = useState<DecisionMode>('view');
  const now = useNow();
  const state = reviewState(suggestion);
  const left = timeLeft(suggestion.expiresAt, now);
  return (
    <li className="pending-suggestion card" data-testid="drawer-suggestion" data-suggestion-id={suggestion.id}>
      <strong>{suggestion.action}</strong>
      <span className="muted small">
        {' '}
        {percent(suggestion.confidence)} confident{left ? ` · ${left}` : ''}
        {suggestion.escalated ? ' · escalated' : ''}
      </span>
      {state && <p className={`review-state ${state.className}`}>{state.label}</p>}
      {isConversation(suggestion) ? (
        <ConversationPanel suggestion={suggestion} canDecide={canDecide} />
      ) : (
        <>
          {suggestion.reasoning && <p className="reasoning">{suggestion.reasoning}</p>}
          <RevisionChanges suggestion={suggestion} />
          <PayloadDiff payload={suggestion.payload} task={task} />
          {canDecide && <DecisionPanel suggestion={suggestion} mode={mode} setMode={setMode} />}
        </>
      )}
    </li>
  );
}

function TaskSuggestions({ taskId, task, canDecide }: { taskId: string; task: Task | undefined; canDecide: boolean }) {
  const suggestions = useApi(swrKeys.taskSuggestions(taskId), () =>
    getClient().listSuggestions({ taskId, limit: 100 }),
  );
  if (suggestions.error) return <ErrorState error={suggestions.error} retry={() => void suggestions.mutate()} />;
  if (!suggestions.data) return <Loading what="suggestions" />;
  if (suggestions.data.items.length === 0) return <Empty>No suggestions on this task.</Empty>;
  const pending = suggestions.data.items.filter((suggestion) => suggestion.status === 'pending');
  const decided = suggestions.data.items.filter((suggestion) => suggestion.status !== 'pending');
  return (
    <>
      {pending.length > 0 && (
        <ul className="suggestion-list pending">
          {pending.map((suggestion) => (
            <PendingSuggestion key={suggestion.id} suggestion={suggestion} task={task} canDecide={canDecide} />
          ))}
        </ul>
      )}
      {decided.length > 0 && (
        <ul className="suggestion-list">
          {decided.map((suggestion) => (
            <li key={suggestion.id} data-testid="decided-suggestion" data-suggestion-id={suggestion.id}>
              <span className={`status-pill sg-${suggestion.status}`}>{suggestion.status}</span> {suggestion.action}{' '}
              <span className="muted">
                ({percent(suggestion.confidence)} confident
                {suggestion.decidedByName ? `, decided by ${suggestion.decidedByName}` : ''}
                {suggestion.decisionNote ? `: “${suggestion.decisionNote}”` : ''})
              </span>
              {suggestion.response !== null && <p className="small">Answer: {suggestion.response}</p>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * Details, history, suggestions and comments of one task, beside the board. Focus moves into it when it opens
 * (to its suggestions when opened from a card's "pending" badge) and back to the card when it closes.
 */
export function TaskDrawer({
  taskId,
  section,
  onClose,
  canEdit,
}: {
  taskId: string;
  section?: 'suggestions';
  onClose: () => void;
  canEdit: boolean;
}) {
  const session = useSession();
  const task = useApi(swrKeys.task(taskId), () => getClient().getTask(taskId));
  const [editing, setEditing] = useState(false);
  const drawer = useRef<HTMLElement>(null);
  const suggestionsHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const target = section === 'suggestions' ? suggestionsHeading.current : drawer.current;
    target?.focus();
    if (section === 'suggestions') target?.scrollIntoView({ block: 'start' });
  }, [section]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      // Escape inside a form field cancels that field's edit first (handled there), not the drawer.
      if (event.target instanceof HTMLElement && event.target.closest('textarea, input, select')) return;
      onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-label={task.data ? `Task: ${task.data.title.slice(0, 120)}` : 'Task details'}
      data-testid="task-drawer"
      tabIndex={-1}
      ref={drawer}
    >
      <button type="button" className="drawer-close link-button" onClick={onClose} aria-label="Close task details">
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
          <h2 className="drawer-title" id="drawer-title">
            {task.data.title}
          </h2>
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
          {session.can('member') && canEdit && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit task
            </button>
          )}
        </>
      )}
      <h3 tabIndex={-1} ref={suggestionsHeading} id="drawer-suggestions">
        Suggestions
      </h3>
      <TaskSuggestions taskId={taskId} task={task.data} canDecide={session.can('approver') && canEdit} />
      <h3>Comments</h3>
      <CommentThread taskId={taskId} />
      <h3>History</h3>
      <TaskHistory taskId={taskId} />
    </aside>
  );
}
