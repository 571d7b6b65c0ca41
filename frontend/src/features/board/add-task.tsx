'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSWRConfig } from 'swr';
import type { Task, TaskStatus } from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { COLUMN_TITLES } from '@/lib/format';
import { swrKeys } from '@/lib/swr-keys';
import { upsertTask } from './board-order';

/** The server's limit (backend TITLE_MAX): a longer title is refused here with the limit, never cut. */
export const TITLE_MAX = 2000;

/** Why a title cannot be saved, in words; null when it can. */
export function titleProblem(title: string): string | null {
  if (!title.trim()) return "Title can't be empty";
  if (title.length > TITLE_MAX) {
    return `Title is too long: ${title.length.toLocaleString()} characters, at most ${TITLE_MAX.toLocaleString()}`;
  }
  return null;
}

/**
 * "+ Add task" at the foot of a column: a title is enough (details go in the drawer afterwards). Enter adds it
 * and keeps the field open for the next one; Escape closes it.
 */
export function AddTask({
  workflowId,
  status,
  onCreated,
}: {
  workflowId: string;
  status: TaskStatus;
  onCreated: (task: Task) => void;
}) {
  const { mutate } = useSWRConfig();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    setTitle('');
    setError(undefined);
    setTimeout(() => opener.current?.focus(), 0);
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const problem = titleProblem(title);
    if (problem) {
      setError(problem);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const task = await getClient().createTask(workflowId, { title: title.trim(), status });
      await mutate(swrKeys.board(workflowId), (tasks: Task[] | undefined) => upsertTask(tasks, task), {
        revalidate: false,
      });
      setTitle('');
      onCreated(task);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  if (!open) {
    return (
      <button
        type="button"
        className="add-task-button"
        ref={opener}
        onClick={() => setOpen(true)}
        data-testid={`add-task-${status}`}
      >
        + Add task<span className="sr-only"> to {COLUMN_TITLES[status]}</span>
      </button>
    );
  }
  const errorId = `add-task-error-${status}`;
  return (
    <form
      className="add-task"
      onSubmit={(event) => void submit(event)}
      aria-label={`New task in ${COLUMN_TITLES[status]}`}
    >
      <textarea
        ref={input}
        name="title"
        rows={2}
        value={title}
        placeholder="Task title"
        aria-label={`Title of the new task in ${COLUMN_TITLES[status]}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => {
          setTitle(event.target.value);
          if (error) setError(undefined);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            void submit();
          } else if (event.key === 'Escape') {
            event.stopPropagation();
            close();
          }
        }}
      />
      {error && (
        <p className="error small" role="alert" id={errorId}>
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          Add
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </div>
    </form>
  );
}
