'use client';

import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from './client';
import { Empty, ErrorState, Loading } from './states';

/**
 * The pieces the admin pages (People, Agents, Webhooks) share: an action runner with its outcome shown in words,
 * the "add one" form card, and the list table that becomes labelled rows on a phone.
 */

/** Runs an action, then shows "done" (role=status) or the failure in words (role=alert). */
export function useActions(explain: (caught: unknown) => string | Promise<string> = errorMessage) {
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const act = async (work: () => Promise<unknown>, done?: string) => {
    setError(undefined);
    setStatus(undefined);
    try {
      await work();
      if (done) setStatus(done);
    } catch (caught) {
      setError(await explain(caught));
    }
  };
  const messages = (
    <>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p className="ok" role="status">
          {status}
        </p>
      )}
    </>
  );
  return { act, messages };
}

/** The card form that adds one record; `id` names its heading (tests and screen readers find it by it). */
export function CreateForm({
  id,
  title,
  submitLabel,
  onSubmit,
  children,
}: {
  id: string;
  title: string;
  submitLabel: string;
  onSubmit: (form: FormData, element: HTMLFormElement) => void;
  children: ReactNode;
}) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit(new FormData(event.currentTarget), event.currentTarget);
  };
  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
      <button type="submit" className="primary">
        {submitLabel}
      </button>
    </form>
  );
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
  className?: string;
  testId?: string;
  title?: (row: T) => string | undefined;
}

/** A list as a table (labelled rows on a phone), with the loading, error and empty states. */
export function RecordTable<T extends { id: string }>({
  answer,
  what,
  testId,
  columns,
  rowAttributes,
}: {
  answer: { data?: T[]; error?: unknown; mutate: () => unknown };
  what: string;
  testId: string;
  columns: (Column<T> | false)[];
  rowAttributes: (row: T) => Record<`data-${string}`, string>;
}) {
  if (answer.error) return <ErrorState error={answer.error} retry={() => void answer.mutate()} />;
  if (!answer.data) return <Loading what={what} />;
  if (answer.data.length === 0) return <Empty>No {what} yet.</Empty>;
  const shown = columns.filter((column): column is Column<T> => column !== false);
  return (
    <div className="table-wrap">
      <table className="table responsive" data-testid={testId}>
        <thead>
          <tr>
            {shown.map((column) => (
              <th key={column.label}>{column.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {answer.data.map((row) => (
            <tr key={row.id} {...rowAttributes(row)}>
              {shown.map((column) => (
                <td
                  key={column.label}
                  data-label={column.label}
                  className={column.className}
                  data-testid={column.testId}
                  title={column.title?.(row)}
                >
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
