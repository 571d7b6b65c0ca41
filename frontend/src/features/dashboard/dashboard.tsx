'use client';

import { useCallback, useState, type FormEvent } from 'react';
import { useSWRConfig } from 'swr';
import type { AuditEntry, EventEnvelope, Workflow } from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { formatTime, percent } from '@/lib/format';
import { useLiveChannel } from '@/lib/live';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { field, useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useAgents } from '@/lib/directory';
import { useSession } from '@/features/shell/use-session';
import { usePendingSuggestions } from '@/features/approvals/use-queue';
import { actionWords } from '@/features/audit/entry-words';

interface Activity {
  seq: number;
  at: string;
  actor: string;
  action: AuditEntry['action'];
  /** What it was about, by name (a task's title, a workflow's name, a suggestion's action). */
  about: string | null;
}

function aboutOf(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const record = data as Record<string, unknown>;
  for (const key of ['title', 'action', 'name'] as const) {
    if (typeof record[key] === 'string') return record[key].slice(0, 80);
  }
  return null;
}

const fromEntry = (entry: AuditEntry): Activity => ({
  seq: entry.seq,
  at: entry.at,
  actor: entry.actor.name,
  action: entry.action,
  about: aboutOf(entry.data),
});
const fromEvent = (event: EventEnvelope): Activity => ({
  seq: event.seq,
  at: event.at,
  actor: event.actor.name,
  action: event.type,
  about: aboutOf(event.data),
});

function NewWorkflowForm() {
  const { mutate } = useSWRConfig();
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const name = field(new FormData(formElement), 'name').trim();
    try {
      await getClient().createWorkflow({ name, status: 'running' });
      formElement.reset();
      await mutate(swrKeys.workflows());
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };
  return (
    <form className="row" onSubmit={(event) => void submit(event)}>
      <input name="name" placeholder="New workflow name" aria-label="New workflow name" required />
      <button type="submit">Create workflow</button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

export function Dashboard() {
  const session = useSession();
  const isAdmin = session.can('admin');
  const workflows = useApi(swrKeys.workflows(), () => getClient().listWorkflows({ limit: 200 }));
  const agents = useAgents();
  const queue = usePendingSuggestions(session.can('approver'));
  const health = useApi(swrKeys.health(), () => getClient().ready(), { refreshInterval: 15_000 });
  // Admins see the whole log as it happens; everyone else the work on the boards (GET /api/audit/activity).
  const recentAudit = useApi(
    isAdmin ? swrKeys.audit({}) : ['activity'],
    () => (isAdmin ? getClient().searchAudit({ order: 'desc', limit: 15 }) : getClient().recentActivity({ limit: 15 })),
    { refreshInterval: isAdmin ? 0 : 30_000 },
  );
  const [liveActivity, setLiveActivity] = useState<Activity[]>([]);
  const onEvent = useCallback((event: EventEnvelope) => {
    setLiveActivity((current) => [fromEvent(event), ...current.filter((item) => item.seq !== event.seq)].slice(0, 15));
  }, []);
  const { mutate } = useSWRConfig();
  const onWorkflowEvent = useCallback(
    (event: EventEnvelope) => {
      onEvent(event);
      void mutate(swrKeys.workflows());
      if (!isAdmin) void recentAudit.mutate();
    },
    [mutate, onEvent, isAdmin, recentAudit],
  );
  const refetchWorkflows = useCallback(() => void mutate(swrKeys.workflows()), [mutate]);
  useLiveChannel('workflows', onWorkflowEvent, refetchWorkflows);
  useLiveChannel(isAdmin ? 'audit' : null, onEvent, () => void recentAudit.mutate());

  const activity = [
    ...liveActivity,
    ...(recentAudit.data?.items.map(fromEntry) ?? []).filter((item) => !liveActivity.some((a) => a.seq === item.seq)),
  ].slice(0, 15);
  const online = (agents.data ?? []).filter((agent) => agent.status !== 'offline').length;

  return (
    <div className="dashboard">
      <h1>Dashboard</h1>
      <div className="stats">
        <div className="stat card">
          <span className="stat-value" data-testid="pending-count">
            {queue.data ? queue.data.length : '…'}
          </span>
          <span className="muted">pending approvals</span>
        </div>
        <div className="stat card">
          <span className="stat-value">{agents.data ? `${online} / ${agents.data.length}` : '…'}</span>
          <span className="muted">agents online</span>
        </div>
        <div className="stat card">
          <span className={`stat-value ${health.data?.status === 'ok' ? 'ok' : 'bad'}`}>
            {health.data ? health.data.status : health.error ? 'unavailable' : '…'}
          </span>
          <span className="muted">system health</span>
        </div>
      </div>
      <section className="card">
        <h2>Workflows</h2>
        {isAdmin && <NewWorkflowForm />}
        {workflows.error ? (
          <ErrorState error={workflows.error} retry={() => void workflows.mutate()} />
        ) : !workflows.data ? (
          <Loading what="workflows" />
        ) : workflows.data.items.length === 0 ? (
          <Empty>No workflows yet.</Empty>
        ) : (
          <ul className="workflow-list">
            {workflows.data.items.map((workflow: Workflow) => (
              <li key={workflow.id}>
                {/* A full page load: the board page is one static file for every workflow id. */}
                <a href={`/workflows/${workflow.id}`} className="workflow-name">
                  {workflow.name}
                </a>
                <span className={`status-pill wf-${workflow.status}`}>{workflow.status}</span>
                <span
                  className="progress"
                  role="progressbar"
                  aria-label={`${workflow.name} progress`}
                  aria-valuenow={Math.round(workflow.progress.ratio * 100)}
                  aria-valuemin={0}
                  aria-valuemax={100}
                >
                  <span style={{ width: percent(workflow.progress.ratio) }} />
                </span>
                <span className="muted">
                  {workflow.progress.completed}/{workflow.progress.total}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card">
        <h2>Recent activity</h2>
        {activity.length === 0 ? (
          <Empty>Nothing yet. Changes appear here as they happen.</Empty>
        ) : (
          <ul className="activity" data-testid="recent-activity">
            {activity.map((item) => (
              <li key={item.seq}>
                <strong>{item.actor}</strong> {actionWords(item.action)}
                {item.about ? <> “{item.about}”</> : null} <span className="muted small">{formatTime(item.at)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
