'use client';

import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { ACTOR_TYPES, ENTITY_TYPES, type AuditFilter, type EventEnvelope } from '@tandem/shared';
import { getClient } from '@/lib/client';
import { formatTime } from '@/lib/format';
import { useLiveChannel } from '@/lib/live';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';

const TEXT_FIELDS = ['actorId', 'action', 'entityId', 'workflowId'] as const;

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

export function AuditPage() {
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
        {TEXT_FIELDS.map((field) => (
          <input key={field} name={field} placeholder={field} aria-label={field} />
        ))}
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
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th>Seq</th>
                <th>Time</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Outcome</th>
                <th>Entity</th>
                <th>Changes</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.seq} className={entry.outcome === 'denied' ? 'denied' : undefined}>
                  <td>{entry.seq}</td>
                  <td>{formatTime(entry.at)}</td>
                  <td>
                    {entry.actor.name} <span className="muted small">{entry.actor.type}</span>
                  </td>
                  <td>{entry.action}</td>
                  <td>{entry.outcome}</td>
                  <td className="mono small">
                    {entry.entityType} {entry.entityId?.slice(0, 8)}
                  </td>
                  <td className="long small">{JSON.stringify(entry.changes).slice(0, 200)}</td>
                </tr>
              ))}
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
