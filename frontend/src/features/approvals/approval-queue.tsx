'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { useSWRConfig } from 'swr';
import { isRoutedTo, type Agent, type Decision, type Suggestion, type Task } from '@tandem/shared';
import { errorMessage, getClient, isConflict } from '@/lib/client';
import { formatTime, percent } from '@/lib/format';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useAgents } from '@/features/board/use-board';
import { useSession } from '@/features/shell/use-session';
import { applyQueueEvent, usePendingSuggestions } from './use-queue';

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

type Mode = 'view' | 'reject' | 'request_changes' | 'edit';

function SuggestionDetail({
  suggestion,
  agent,
  canDecide,
}: {
  suggestion: Suggestion;
  agent?: Agent;
  canDecide: boolean;
}) {
  const { mutate } = useSWRConfig();
  const task = useApi(suggestion.taskId ? swrKeys.task(suggestion.taskId) : null, () =>
    getClient().getTask(suggestion.taskId!),
  );
  const [mode, setMode] = useState<Mode>('view');
  const [note, setNote] = useState('');
  const [payloadText, setPayloadText] = useState('');
  const [message, setMessage] = useState<string>();
  const noteRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setMode('view');
    setMessage(undefined);
    setNote('');
  }, [suggestion.id]);
  useEffect(() => {
    if (mode !== 'view') noteRef.current?.focus();
  }, [mode]);

  const decide = async (decision: Decision, extra: { note?: string; payload?: Record<string, unknown> } = {}) => {
    setMessage(undefined);
    try {
      const decided = await getClient().decideSuggestion(suggestion.id, {
        decision,
        revision: suggestion.revision,
        ...extra,
      });
      await mutate(swrKeys.queue(), (queue: Suggestion[] | undefined) => applyQueueEvent(queue, decided), {
        revalidate: false,
      });
      setMode('view');
    } catch (error) {
      const current = isConflict(error) ? (error.current as Suggestion | undefined) : undefined;
      if (current?.decidedByName) setMessage(`Already ${current.status} by ${current.decidedByName}.`);
      else setMessage(errorMessage(error));
      if (current) {
        await mutate(swrKeys.queue(), (queue: Suggestion[] | undefined) => applyQueueEvent(queue, current), {
          revalidate: false,
        });
      }
    }
  };

  // Keyboard first: a approve, r reject, e edit, c request changes (j/k are handled by the list).
  useEffect(() => {
    if (!canDecide) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLElement && event.target.closest('input, textarea, select')) return;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === 'a') void decide('approve');
      else if (event.key === 'r') setMode('reject');
      else if (event.key === 'c') setMode('request_changes');
      else if (event.key === 'e') {
        setPayloadText(JSON.stringify(suggestion.payload, null, 2));
        setMode('edit');
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const approveEdited = () => {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(payloadText) as Record<string, unknown>;
    } catch {
      setMessage('The payload is not valid JSON.');
      return;
    }
    void decide('approve', { payload });
  };

  return (
    <article className="suggestion-detail card" data-testid="suggestion-detail" aria-live="polite">
      <h2>{suggestion.action}</h2>
      <dl className="details">
        <dt>Agent</dt>
        <dd>{agent?.name ?? suggestion.agentId}</dd>
        <dt>Task</dt>
        <dd className="long">{suggestion.taskId ? (task.data?.title ?? '…') : 'new task'}</dd>
        <dt>Kind</dt>
        <dd>{suggestion.kind}</dd>
        <dt>Confidence</dt>
        <dd>{percent(suggestion.confidence)}</dd>
        <dt>Revision</dt>
        <dd>{suggestion.revision}</dd>
        <dt>Proposed</dt>
        <dd>{formatTime(suggestion.createdAt)}</dd>
      </dl>
      <h3>Reasoning</h3>
      <p className="reasoning">{suggestion.reasoning || '—'}</p>
      <h3>Proposed change</h3>
      <PayloadDiff payload={suggestion.payload} task={task.data} />
      {message && (
        <p className="error" role="alert" data-testid="decision-message">
          {message}
        </p>
      )}
      {canDecide && mode === 'view' && (
        <div className="row">
          <button type="button" className="primary" onClick={() => void decide('approve')}>
            Approve <kbd>a</kbd>
          </button>
          <button type="button" onClick={() => setMode('reject')}>
            Reject <kbd>r</kbd>
          </button>
          <button
            type="button"
            onClick={() => {
              setPayloadText(JSON.stringify(suggestion.payload, null, 2));
              setMode('edit');
            }}
          >
            Edit then approve <kbd>e</kbd>
          </button>
          <button type="button" onClick={() => setMode('request_changes')}>
            Request changes <kbd>c</kbd>
          </button>
        </div>
      )}
      {canDecide && (mode === 'reject' || mode === 'request_changes') && (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void decide(mode, { note });
          }}
        >
          <textarea
            ref={noteRef}
            aria-label={mode === 'reject' ? 'Note for the agent' : 'What should change'}
            value={note}
            onChange={(event) => setNote(event.target.value)}
            required={mode === 'request_changes'}
            rows={3}
          />
          <div className="row">
            <button type="submit" className="primary">
              {mode === 'reject' ? 'Reject' : 'Request changes'}
            </button>
            <button type="button" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {canDecide && mode === 'edit' && (
        <div className="stack">
          <textarea
            ref={noteRef}
            aria-label="Payload (JSON)"
            className="mono"
            value={payloadText}
            onChange={(event) => setPayloadText(event.target.value)}
            rows={8}
          />
          <div className="row">
            <button type="button" className="primary" onClick={approveEdited}>
              Approve edited
            </button>
            <button type="button" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </article>
  );
}

/** "Assigned to me", kept in the URL (`?assignedTo=me`, as the API names it) so a link can open it. */
function useAssignedToMeFilter(): [boolean, (value: boolean) => void] {
  const [mine, setMine] = useState(false);
  useEffect(() => setMine(new URLSearchParams(window.location.search).get('assignedTo') === 'me'), []);
  const set = (value: boolean) => {
    setMine(value);
    const url = new URL(window.location.href);
    if (value) url.searchParams.set('assignedTo', 'me');
    else url.searchParams.delete('assignedTo');
    window.history.replaceState(null, '', url);
  };
  return [mine, set];
}

export function ApprovalQueue() {
  const session = useSession();
  const canDecide = session.can('approver');
  const queue = usePendingSuggestions(canDecide);
  const agents = useAgents();
  const agentsById = useMemo(() => new Map((agents.data ?? []).map((agent) => [agent.id, agent])), [agents.data]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [mineOnly, setMineOnly] = useAssignedToMeFilter();
  const user = session.user;
  const items = useMemo(
    () => (queue.data ?? []).filter((item) => !mineOnly || (user && isRoutedTo(item.reviewers, user))),
    [queue.data, mineOnly, user],
  );
  const selectedIndex = Math.max(
    0,
    items.findIndex((item) => item.id === selectedId),
  );
  const selected = items[selectedIndex];

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLElement && event.target.closest('input, textarea, select')) return;
      if (event.key !== 'j' && event.key !== 'k') return;
      const next = items[Math.min(items.length - 1, Math.max(0, selectedIndex + (event.key === 'j' ? 1 : -1)))];
      if (next) setSelectedId(next.id);
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selectedIndex]);

  if (queue.error) return <ErrorState error={queue.error} retry={() => void queue.mutate()} />;
  if (!queue.data) return <Loading what="approval queue" />;
  return (
    <div className="approvals">
      <h1>
        Approvals <span className="muted">({items.length} pending)</span>
      </h1>
      <label className="row small">
        <input
          type="checkbox"
          data-testid="assigned-to-me"
          checked={mineOnly}
          onChange={(event) => setMineOnly(event.target.checked)}
        />
        Assigned to me
      </label>
      {canDecide && (
        <p className="muted small">
          Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>a</kbd> approve, <kbd>r</kbd> reject, <kbd>e</kbd> edit,{' '}
          <kbd>c</kbd> request changes.
        </p>
      )}
      {items.length === 0 ? (
        <Empty>{mineOnly ? 'Nothing waits for your review.' : 'Nothing waits for a decision.'}</Empty>
      ) : (
        <div className="split">
          <ol className="queue-list" aria-label="Pending suggestions" data-testid="queue-list">
            {items.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  className={item.id === selected?.id ? 'queue-item selected' : 'queue-item'}
                  aria-current={item.id === selected?.id ? 'true' : undefined}
                  onClick={() => setSelectedId(item.id)}
                  data-testid="queue-item"
                >
                  <span className="long">{item.action}</span>
                  <span className="muted small">
                    {agentsById.get(item.agentId)?.name ?? 'agent'} · {percent(item.confidence)} ·{' '}
                    {formatTime(item.createdAt)}
                    {item.escalated ? ' · escalated' : ''}
                  </span>
                </button>
              </li>
            ))}
          </ol>
          {selected && (
            <SuggestionDetail suggestion={selected} agent={agentsById.get(selected.agentId)} canDecide={canDecide} />
          )}
        </div>
      )}
    </div>
  );
}
