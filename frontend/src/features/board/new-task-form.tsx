'use client';

import { useState, type FormEvent } from 'react';
import { useSWRConfig } from 'swr';
import { TASK_PRIORITIES, TASK_STATUSES, type Task, type TaskPriority, type TaskStatus } from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { COLUMN_TITLES } from '@/lib/format';
import { field } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { upsertTask } from './board-order';

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

export function NewTaskForm({ workflowId }: { workflowId: string }) {
  const { mutate } = useSWRConfig();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setBusy(true);
    setError(undefined);
    try {
      const due = field(form, 'dueDate');
      const task = await getClient().createTask(workflowId, {
        title: field(form, 'title').trim(),
        status: field(form, 'status') as TaskStatus,
        priority: field(form, 'priority') as TaskPriority,
        dueDate: due ? new Date(`${due}T00:00:00`).toISOString() : null,
        labels: parseLabels(field(form, 'labels')),
      });
      await mutate(swrKeys.board(workflowId), (tasks: Task[] | undefined) => upsertTask(tasks, task), {
        revalidate: false,
      });
      formElement.reset();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="new-task" onSubmit={(event) => void submit(event)} aria-label="New task">
      <input name="title" placeholder="New task title" aria-label="New task title" required maxLength={2000} />
      <select name="status" aria-label="Column" defaultValue="pending">
        {TASK_STATUSES.map((status) => (
          <option key={status} value={status}>
            {COLUMN_TITLES[status]}
          </option>
        ))}
      </select>
      <select name="priority" aria-label="Priority of the new task" defaultValue="medium">
        {TASK_PRIORITIES.map((priority) => (
          <option key={priority} value={priority}>
            {priority}
          </option>
        ))}
      </select>
      <input name="dueDate" type="date" aria-label="Due date" />
      <input name="labels" placeholder="labels, comma separated" aria-label="Labels" />
      <button type="submit" className="primary" disabled={busy}>
        Add task
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
