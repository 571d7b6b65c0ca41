'use client';

import { useCallback, useMemo, useState, type FormEvent } from 'react';
import {
  ACTOR_TYPES,
  AUDIT_ACTIONS,
  ENTITY_TYPES,
  type AuditFilter,
  type EventEnvelope,
  type Workflow,
} from '@tandem/shared';
import { getClient } from '@/lib/client';
import { fetchAll, useAgents, usePeople } from '@/lib/directory';
import { formatTime } from '@/lib/format';
import { useLiveChannel } from '@/lib/live';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useSession } from '@/features/shell/use-session';
import { actionWords, changeWords, EntityCell } from './entry-words';

function readForm(form: HTMLFormElement): AuditFilter {
  const data = new FormData(form);
  const filter: Record<string, string> = {};
  for (const [key, value] of data.entries()) {
    const text = typeof value === 'string' ? value.trim() : '';
    if (!text) continue;
    filter[key] = key === 'from' || key === 'to' ? new Date(text).toISOString() : text;
  }
  return filter;
}

function exportHref(format: 'csv' | 'ndjson', filter: AuditFilter): string {
  const params = new URLSearchParams({ ...(filter as Record<string, string>), format });
  return `/api/audit/export?${params.toString()}`;
}

/** The verify answer; only `ok`/`valid` are read, the rest is shown as is. */
type VerifyResult = Record<string, unknown> & { ok?: boolean; valid?: boolean };

function ChainVerification() {
  const verify = useApi(swrKeys.auditVerify(), () => getClient().verifyAudit<VerifyResult>(), {
    revalidateOnMount: false,
  });
  return (
    <div className="row verify" data-testid="verify">
      <button type="button" onClick={() => void verify.mutate(() => getClient().verifyAudit<VerifyResult>())}>
        Verify chain
      </button>
      {verify.isValidating && <span className="muted">Verifying…</span>}
      {verify.error !== undefined && <ErrorState error={verify.error} />}
      {verify.data && (
        <span className={verify.data.ok === false || verify.data.valid === false ? 'error' : 'ok'}>
          {verify.data.ok === false || verify.data.valid === false ? 'Chain broken: ' : 'Chain intact: '}
          {JSON.stringify(verify.data).slice(0, 300)}
        </span>
      )}
    </div>
  );
}

/** Every workflow, archived ones too: the log names workflows that may since have been archived. */
function useAllWorkflows() {
  return useApi<Workflow[]>(['audit-workflows'], () =>
    fetchAll((cursor) => getClient().listWorkflows({ limit: 200, cursor, includeArchived: 'true' })),
  );
}

/** The audit log is for admins: anyone else gets a sentence, not a page of buttons that then fail. */
export function AuditPage() {
  const session = useSession();
  if (!session.can('admin')) return <Empty>Only admins see the audit log.</Empty>;
  return <AuditLog />;
}

function AuditLog() {
  const agents = useAgents();
  const people = usePeople();
  const workflows = useAllWorkflows();
  const workflowsById = useMemo(
    () => new Map((workflows.data ?? []).map((workflow) => [workflow.id, workflow])),
    [workflows.data],
  );
  const names = useMemo(
    () => ({
      agent: (id: string) => agents.data?.find((agent) => agent.id === id)?.name,
      person: (id: string) => people.byId.get(id)?.name,
    }),
    [agents.data, people.byId],
  );
  const [filter, setFilter] = useState<AuditFilter>({});
  const [liveTail, setLiveTail] = useState(true);
  const [pages, setPages] = useState<string[]>([]);
  const key = useMemo(() => swrKeys.audit(filter), [filter]);
  const first = useApi(key, () => getClient().searchAudit({ ...filter, order: 'desc', limit: 100 }));
  const more = useApi(pages.length ? [...key, pages.join(',')] : null, async () => {
    const results = await Promise.all(
      pages.map((cursor) => getClient().searchAudit({ ...filter, order: 'desc', limit: 100, cursor })),
    );
    return results.flatMap((page) => page.items);
  });
  const onEvent = useCallback(
    (_event: EventEnvelope) => {
      if (liveTail) void first.mutate();
    },
    [first, liveTail],
  );
  useLiveChannel('audit', onEvent, () => void first.mutate());

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPages([]);
    setFilter(readForm(event.currentTarget));
  };
  const entries = [...(first.data?.items ?? []), ...(more.data ?? [])];
  const nextCursor = pages.length ? undefined : first.data?.nextCursor;

  return (
    <div className="audit-page">
      <h1>Audit log</h1>
      <form className="filters" onSubmit={submit} aria-label="Filter the audit log">
        <label>
          From <input type="datetime-local" name="from" />
        </label>
        <label>
          To <input type="datetime-local" name="to" />
        </label>
        <select name="actorType" aria-label="Actor type" defaultValue="">
          <option value="">Any actor</option>
          {ACTOR_TYPES.map((type) => (
            <option key={type}>{type}</option>
          ))}
        </select>
        <select name="entityType" aria-label="Entity type" defaultValue="">
          <option value="">Any entity</option>
          {ENTITY_TYPES.map((type) => (
            <option key={type}>{type}</option>
          ))}
        </select>
        <select name="actorId" aria-label="Who" defaultValue="">
          <option value="">Anyone</option>
          <optgroup label="People">
            {(people.data ?? []).map((person) => (
              <option key={person.id} value={person.id}>
                {person.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="Agents">
            {(agents.data ?? []).map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.name}
              </option>
            ))}
          </optgroup>
        </select>
        <select name="action" aria-label="Action" defaultValue="">
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
        <select name="workflowId" aria-label="Workflow" defaultValue="">
          <option value="">Any workflow</option>
          {(workflows.data ?? []).map((workflow) => (
            <option key={workflow.id} value={workflow.id}>
              {workflow.name}
            </option>
          ))}
        </select>
        <button type="submit">Apply</button>
      </form>
      <div className="row">
        <label className="inline">
          <input type="checkbox" checked={liveTail} onChange={(event) => setLiveTail(event.target.checked)} /> Live tail
        </label>
        <a className="button" href={exportHref('csv', filter)} download data-testid="export-csv">
          Export CSV
        </a>
        <a className="button" href={exportHref('ndjson', filter)} download data-testid="export-ndjson">
          Export NDJSON
        </a>
      </div>
      <ChainVerification />
      {first.error ? (
        <ErrorState error={first.error} retry={() => void first.mutate()} />
      ) : !first.data ? (
        <Loading what="audit log" />
      ) : entries.length === 0 ? (
        <Empty>No entries match.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table responsive" data-testid="audit-table">
            <thead>
              <tr>
                <th>Seq</th>
                <th>Time</th>
                <th>Who</th>
                <th>Action</th>
                <th>About</th>
                <th>Workflow</th>
                <th>Changes</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const workflow = entry.workflowId ? workflowsById.get(entry.workflowId) : undefined;
                return (
                  <tr
                    key={entry.seq}
                    className={entry.outcome === 'denied' ? 'denied' : undefined}
                    data-testid="audit-row"
                  >
                    <td data-label="Seq">{entry.seq}</td>
                    <td data-label="Time">{formatTime(entry.at)}</td>
                    <td data-label="Who">
                      {entry.actor.name} <span className="muted small">{entry.actor.type}</span>
                    </td>
                    <td data-label="Action" title={entry.action}>
                      {actionWords(entry.action)} <span className="muted small mono">{entry.action}</span>
                      {entry.outcome === 'denied' && <strong className="error"> (denied)</strong>}
                    </td>
                    <td data-label="About" className="long">
                      <EntityCell entry={entry} names={names} workflows={workflowsById} />
                    </td>
                    <td data-label="Workflow" className="long">
                      {workflow ? <a href={`/workflows/${workflow.id}`}>{workflow.name}</a> : '—'}
                    </td>
                    <td data-label="Changes" className="long small">
                      {changeWords(entry, names) || '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <button type="button" onClick={() => setPages([nextCursor])}>
          Load more
        </button>
      )}
    </div>
  );
}
