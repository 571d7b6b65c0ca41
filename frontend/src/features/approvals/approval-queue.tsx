'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSWRConfig } from 'swr';
import {
  isRoutedTo,
  SUGGESTION_KINDS,
  type Agent,
  type Role,
  type Suggestion,
  type SuggestionKind,
  type Task,
  type Workflow,
} from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { formatTime, percent } from '@/lib/format';
import { ConfirmButton } from '@/lib/one-time-secret';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useAgents } from '@/lib/directory';
import { useSession } from '@/features/shell/use-session';
import { ConversationPanel, isConversation } from './conversation-panel';
import { DecisionPanel, type DecisionMode } from './decision-panel';
import { reviewState, RevisionChanges, timeLeft, useNow } from './suggestion-facts';
import { applyQueueEvent, usePendingSuggestions } from './use-queue';

/** How long a single-key approve waits before it is sent, so that it can be undone. */
export const UNDO_MS = 5000;

const show = (value: unknown) =>
  value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

/** The proposed change as `field: now → proposed` lines (against the task's current values when there is one). */
export function PayloadDiff({ payload, task }: { payload: Record<string, unknown>; task: Task | undefined }) {
  const entries = Object.entries(payload);
  if (entries.length === 0) return <p className="muted">No payload.</p>;
  return (
    <table className="diff" data-testid="payload-diff">
      <thead>
        <tr>
          <th>Field</th>
          <th>Now</th>
          <th>Proposed</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([field, proposed]) => {
          const now = task ? (task as unknown as Record<string, unknown>)[field] : undefined;
          const changed = JSON.stringify(now) !== JSON.stringify(proposed);
          return (
            <tr key={field} className={changed ? 'changed' : undefined}>
              <td>{field}</td>
              <td className="before">{show(now)}</td>
              <td className="after">{show(proposed)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const KIND_WORDS: Record<SuggestionKind, string> = {
  'task.update': 'Change a task',
  'task.move': 'Move a task',
  'task.create': 'New task',
  comment: 'Comment',
  custom: 'Custom action',
  question: 'Question',
  interrupt: 'Interrupt',
};

/** One suggestion in full: what, why, where, how long is left, what changed since it was sent back. */
export function SuggestionSummary({
  suggestion,
  agent,
  workflow,
}: {
  suggestion: Suggestion;
  agent?: Agent;
  workflow?: Workflow;
}) {
  const task = useApi(suggestion.taskId ? swrKeys.task(suggestion.taskId) : null, () =>
    getClient().getTask(suggestion.taskId!),
  );
  const now = useNow();
  const state = reviewState(suggestion);
  const left = timeLeft(suggestion.expiresAt, now);
  const board = `/workflows/${suggestion.workflowId}`;
  return (
    <>
      {state && (
        <p className={`review-state ${state.className}`} data-testid="review-state">
          {state.label}
        </p>
      )}
      <dl className="details">
        <dt>Agent</dt>
        <dd>{agent?.name ?? 'an agent'}</dd>
        <dt>Workflow</dt>
        <dd>
          <a href={board}>{workflow?.name ?? 'its board'}</a>
        </dd>
        <dt>Task</dt>
        <dd className="long">
          {suggestion.taskId ? (
            <a href={`${board}?task=${suggestion.taskId}`}>{task.data?.title ?? '…'}</a>
          ) : (
            'a new task'
          )}
        </dd>
        <dt>Kind</dt>
        <dd>{KIND_WORDS[suggestion.kind]}</dd>
        <dt>Confidence</dt>
        <dd>{percent(suggestion.confidence)}</dd>
        <dt>Time left</dt>
        <dd data-testid="time-left">
          {left ?? 'no time limit'}
          {suggestion.escalated ? ' · escalated to admins' : ''}
        </dd>
        <dt>Proposed</dt>
        <dd>{formatTime(suggestion.createdAt)}</dd>
      </dl>
      {!isConversation(suggestion) && (
        <>
          <h3>Reasoning</h3>
          <p className="reasoning">{suggestion.reasoning || '—'}</p>
          <RevisionChanges suggestion={suggestion} />
          <h3>Proposed change</h3>
          <PayloadDiff payload={suggestion.payload} task={task.data} />
        </>
      )}
    </>
  );
}

interface Filters {
  workflowId: string;
  agentId: string;
  kind: string;
  escalated: boolean;
  /** Routed to me by name or role (`?assignedTo=me`, as the API and the email links name it). */
  assignedToMe: boolean;
}

const matches = (item: Suggestion, filters: Filters, me: { id: string; role: Role } | undefined) =>
  (!filters.workflowId || item.workflowId === filters.workflowId) &&
  (!filters.agentId || item.agentId === filters.agentId) &&
  (!filters.kind || item.kind === filters.kind) &&
  (!filters.escalated || item.escalated) &&
  (!filters.assignedToMe || (!!me && isRoutedTo(item.reviewers, me)));

/** Keeps "assigned to me" in the URL, so a link (the digest email's, a bookmark) opens the queue filtered. */
function rememberAssignedToMe(on: boolean) {
  const url = new URL(window.location.href);
  if (on) url.searchParams.set('assignedTo', 'me');
  else url.searchParams.delete('assignedTo');
  window.history.replaceState(null, '', url);
}

/** A plain approve of the revision shown, sent straight away (after the undo window, or for a bulk approve). */
function sendApprove(suggestion: Suggestion) {
  return getClient().decideSuggestion(suggestion.id, { decision: 'approve', revision: suggestion.revision });
}

export function ApprovalQueue() {
  const session = useSession();
  const canDecide = session.can('approver');
  const queue = usePendingSuggestions(canDecide);
  const agents = useAgents();
  const workflows = useApi(swrKeys.workflows(), () => getClient().listWorkflows({ limit: 200 }));
  const { mutate } = useSWRConfig();
  const agentsById = useMemo(() => new Map((agents.data ?? []).map((agent) => [agent.id, agent])), [agents.data]);
  const workflowsById = useMemo(
    () => new Map((workflows.data?.items ?? []).map((workflow) => [workflow.id, workflow])),
    [workflows.data],
  );
  const [filters, setFilters] = useState<Filters>({
    workflowId: '',
    agentId: '',
    kind: '',
    escalated: false,
    assignedToMe: false,
  });
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('assignedTo') === 'me') {
      setFilters((current) => ({ ...current, assignedToMe: true }));
    }
  }, []);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [checked, setChecked] = useState<Set<string>>(() => new Set());
  const [mode, setMode] = useState<DecisionMode>('view');
  const [notice, setNotice] = useState<string>();
  const [scheduled, setScheduled] = useState<{ suggestion: Suggestion; index: number } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const lastIndex = useRef(0);

  const items = useMemo(
    () =>
      (queue.data ?? []).filter((item) => matches(item, filters, session.user) && item.id !== scheduled?.suggestion.id),
    [queue.data, filters, scheduled, session.user],
  );
  // The selection survives decisions: when the selected item leaves, the one that took its place is selected.
  const foundIndex = items.findIndex((item) => item.id === selectedId);
  const selectedIndex = foundIndex >= 0 ? foundIndex : Math.min(lastIndex.current, items.length - 1);
  const selected = selectedIndex >= 0 ? items[selectedIndex] : undefined;
  useEffect(() => {
    if (selectedIndex >= 0) lastIndex.current = selectedIndex;
  }, [selectedIndex]);
  useEffect(() => setMode('view'), [selected?.id]);

  const settle = useCallback(
    (decided: Suggestion) =>
      mutate(swrKeys.queue(), (current: Suggestion[] | undefined) => applyQueueEvent(current, decided), {
        revalidate: false,
      }),
    [mutate],
  );

  /** Sends the approve waiting in the undo window now (when it runs out, on a second approve, on leaving). */
  const pending = useRef<Suggestion | null>(null);
  const flush = useCallback(() => {
    clearTimeout(timer.current);
    const suggestion = pending.current;
    pending.current = null;
    if (!suggestion) return;
    setScheduled(null);
    sendApprove(suggestion).then(settle, (error: unknown) =>
      setNotice(`Could not approve “${suggestion.action}”: ${errorMessage(error)}`),
    );
  }, [settle]);
  useEffect(() => () => flush(), [flush]);

  const approveWithUndo = (suggestion: Suggestion) => {
    flush();
    setNotice(undefined);
    pending.current = suggestion;
    setScheduled({ suggestion, index: selectedIndex });
    timer.current = setTimeout(flush, UNDO_MS);
  };
  const undo = () => {
    clearTimeout(timer.current);
    pending.current = null;
    if (scheduled) setSelectedId(scheduled.suggestion.id);
    setScheduled(null);
    setNotice('Approval undone: nothing was sent.');
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLElement && event.target.closest('input, textarea, select')) return;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === 'j' || event.key === 'k') {
        const next = items[Math.min(items.length - 1, Math.max(0, selectedIndex + (event.key === 'j' ? 1 : -1)))];
        if (next) setSelectedId(next.id);
      } else if (event.key === 'u' && scheduled) undo();
      else if (!canDecide || !selected || mode !== 'view') return;
      else if (event.key === 'a') approveWithUndo(selected);
      else if (event.key === 'r') setMode('reject');
      else if (event.key === 'c') setMode('request_changes');
      else if (event.key === 'e') setMode('edit');
      else if (event.key === 'x') toggle(selected.id);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const toggle = (id: string) =>
    setChecked((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const chosen = items.filter((item) => checked.has(item.id));
  const bulk = async (decision: 'approve' | 'reject') => {
    setNotice(undefined);
    const failures: string[] = [];
    for (const item of chosen) {
      try {
        await settle(
          await getClient().decideSuggestion(item.id, {
            decision,
            revision: item.revision,
            ...(decision === 'reject' ? { note: 'Rejected with others in one go.' } : {}),
          }),
        );
      } catch (error) {
        failures.push(`“${item.action}”: ${errorMessage(error)}`);
      }
    }
    setChecked(new Set());
    const done = chosen.length - failures.length;
    setNotice(
      `${decision === 'approve' ? 'Approved' : 'Rejected'} ${done} of ${chosen.length}.` +
        (failures.length ? ` Not decided: ${failures.join('; ')}` : ''),
    );
  };

  if (queue.error) return <ErrorState error={queue.error} retry={() => void queue.mutate()} />;
  if (!queue.data) return <Loading what="approval queue" />;
  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  return (
    <div className="approvals">
      <h1>
        Approvals <span className="muted">({queue.data.length} pending)</span>
      </h1>
      {canDecide && (
        <p className="muted small">
          Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>a</kbd> approve (<kbd>u</kbd> undoes it for {UNDO_MS / 1000} s),{' '}
          <kbd>r</kbd> reject, <kbd>e</kbd> edit, <kbd>c</kbd> request changes, <kbd>x</kbd> select.
        </p>
      )}
      <div className="filters" role="search" aria-label="Filter the queue">
        <select aria-label="Workflow" value={filters.workflowId} onChange={(e) => set({ workflowId: e.target.value })}>
          <option value="">Any workflow</option>
          {(workflows.data?.items ?? []).map((workflow) => (
            <option key={workflow.id} value={workflow.id}>
              {workflow.name}
            </option>
          ))}
        </select>
        <select aria-label="Agent" value={filters.agentId} onChange={(e) => set({ agentId: e.target.value })}>
          <option value="">Any agent</option>
          {(agents.data ?? []).map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.name}
            </option>
          ))}
        </select>
        <select aria-label="Kind" value={filters.kind} onChange={(e) => set({ kind: e.target.value })}>
          <option value="">Any kind</option>
          {SUGGESTION_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {KIND_WORDS[kind]}
            </option>
          ))}
        </select>
        <label className="inline">
          <input type="checkbox" checked={filters.escalated} onChange={(e) => set({ escalated: e.target.checked })} />{' '}
          Escalated only
        </label>
        <label className="inline">
          <input
            type="checkbox"
            data-testid="assigned-to-me"
            checked={filters.assignedToMe}
            onChange={(e) => {
              set({ assignedToMe: e.target.checked });
              rememberAssignedToMe(e.target.checked);
            }}
          />{' '}
          Assigned to me
        </label>
      </div>
      {scheduled && (
        <p className="notice info" role="status" data-testid="undo-approve">
          Approving “{scheduled.suggestion.action}” in a few seconds.
          <button type="button" onClick={undo}>
            Undo <kbd>u</kbd>
          </button>
        </p>
      )}
      {notice && (
        <p className="notice info" role="status" data-testid="queue-notice">
          {notice}
        </p>
      )}
      {canDecide && chosen.length > 0 && (
        <div className="row bulk" data-testid="bulk-bar">
          <strong>{chosen.length} selected</strong>
          <ConfirmButton
            label={`Approve ${chosen.length}`}
            question={`Approve these ${chosen.length} suggestions?`}
            confirmLabel="Approve all"
            onConfirm={() => void bulk('approve')}
          />
          <ConfirmButton
            label={`Reject ${chosen.length}`}
            question={`Reject these ${chosen.length} suggestions?`}
            confirmLabel="Reject all"
            danger
            onConfirm={() => void bulk('reject')}
          />
          <button type="button" className="link-button" onClick={() => setChecked(new Set())}>
            Clear selection
          </button>
        </div>
      )}
      {items.length === 0 ? (
        <Empty>Nothing waits for a decision.</Empty>
      ) : (
        <div className="split">
          <ol className="queue-list" aria-label="Pending suggestions" data-testid="queue-list">
            {items.map((item) => {
              const state = reviewState(item);
              return (
                <li key={item.id} className={state ? `queue-row ${state.className}` : 'queue-row'}>
                  {canDecide && (
                    <input
                      type="checkbox"
                      aria-label={`Select “${item.action}”`}
                      checked={checked.has(item.id)}
                      onChange={() => toggle(item.id)}
                    />
                  )}
                  <button
                    type="button"
                    className={item.id === selected?.id ? 'queue-item selected' : 'queue-item'}
                    aria-current={item.id === selected?.id ? 'true' : undefined}
                    onClick={() => setSelectedId(item.id)}
                    data-testid="queue-item"
                    data-suggestion-id={item.id}
                  >
                    <span className="long">{item.action}</span>
                    <span className="muted small">
                      {agentsById.get(item.agentId)?.name ?? 'agent'} ·{' '}
                      {workflowsById.get(item.workflowId)?.name ?? 'workflow'} · {percent(item.confidence)}
                      {item.escalated ? ' · escalated' : ''}
                    </span>
                    {state && <span className={`tag ${state.className}`}>{state.label}</span>}
                  </button>
                </li>
              );
            })}
          </ol>
          {selected && (
            <article className="suggestion-detail card" data-testid="suggestion-detail" aria-live="polite">
              <h2>{selected.action}</h2>
              <SuggestionSummary
                suggestion={selected}
                agent={agentsById.get(selected.agentId)}
                workflow={workflowsById.get(selected.workflowId)}
              />
              {isConversation(selected) ? (
                <ConversationPanel suggestion={selected} canDecide={canDecide} />
              ) : (
                canDecide && (
                  <DecisionPanel
                    suggestion={selected}
                    mode={mode}
                    setMode={setMode}
                    onApprove={() => approveWithUndo(selected)}
                    keys
                  />
                )
              )}
            </article>
          )}
        </div>
      )}
    </div>
  );
}
