'use client';

import { useState } from 'react';
import { TASK_PRIORITIES, TASK_STATUSES, type Suggestion } from '@tandem/shared';
import { COLUMN_TITLES } from '@/lib/format';

type Payload = Record<string, unknown>;

/** A payload value as form text (non-strings the agent sent show as empty). */
const asText = (value: unknown, fallback = '') =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;

/** Which fields the approver may edit, per typed kind (payload keys the agent sent are kept as they are). */
const TEXT_FIELDS: Record<string, { key: string; label: string; long?: boolean }[]> = {
  'task.update': [
    { key: 'title', label: 'Title' },
    { key: 'description', label: 'Description', long: true },
  ],
  'task.create': [
    { key: 'title', label: 'Title' },
    { key: 'description', label: 'Description', long: true },
  ],
  comment: [{ key: 'body', label: 'Comment', long: true }],
};

/**
 * Edit-before-approve: a form for the typed kinds (task fields, target column, new task, comment); raw JSON only
 * for `custom`, checked as you type. `onChange` receives the payload to approve, or null while it is invalid.
 */
export function PayloadForm({
  suggestion,
  onChange,
}: {
  suggestion: Suggestion;
  onChange: (payload: Payload | null) => void;
}) {
  const [draft, setDraft] = useState<Payload>(() => ({ ...suggestion.payload }));
  const [json, setJson] = useState(() => JSON.stringify(suggestion.payload, null, 2));
  const [jsonError, setJsonError] = useState<string>();
  const set = (key: string, value: unknown) => {
    const next = { ...draft, [key]: value };
    setDraft(next);
    onChange(next);
  };

  if (suggestion.kind === 'custom') {
    return (
      <label className="stack">
        Payload (JSON)
        <textarea
          className="mono"
          rows={8}
          value={json}
          aria-invalid={jsonError ? true : undefined}
          aria-describedby="payload-json-state"
          onChange={(event) => {
            setJson(event.target.value);
            try {
              const parsed = JSON.parse(event.target.value) as unknown;
              if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
                throw new Error('it must be an object: { … }');
              }
              setJsonError(undefined);
              onChange(parsed as Payload);
            } catch (error) {
              setJsonError(error instanceof Error ? error.message : String(error));
              onChange(null);
            }
          }}
        />
        <span id="payload-json-state" className={jsonError ? 'error small' : 'ok small'} role="status">
          {jsonError ? `Not valid JSON: ${jsonError}` : 'Valid JSON'}
        </span>
      </label>
    );
  }

  const fields = (TEXT_FIELDS[suggestion.kind] ?? []).filter(
    (field) => suggestion.kind !== 'task.update' || field.key in suggestion.payload,
  );
  const hasField = (key: string) => suggestion.kind === 'task.create' || key in suggestion.payload;
  return (
    <div className="stack payload-form" data-testid="payload-form">
      {fields.map((field) => (
        <label key={field.key}>
          {field.label}
          {field.long ? (
            <textarea
              name={field.key}
              rows={4}
              value={asText(draft[field.key])}
              onChange={(event) => set(field.key, event.target.value)}
            />
          ) : (
            <input
              name={field.key}
              value={asText(draft[field.key])}
              onChange={(event) => set(field.key, event.target.value)}
            />
          )}
        </label>
      ))}
      {(suggestion.kind === 'task.move' || (suggestion.kind === 'task.create' && hasField('status'))) && (
        <label>
          Column
          <select
            name="status"
            value={asText(draft.status, 'pending')}
            onChange={(event) => set('status', event.target.value)}
          >
            {TASK_STATUSES.map((status) => (
              <option key={status} value={status}>
                {COLUMN_TITLES[status]}
              </option>
            ))}
          </select>
        </label>
      )}
      {(suggestion.kind === 'task.update' || suggestion.kind === 'task.create') && hasField('priority') && (
        <label>
          Priority
          <select
            name="priority"
            value={asText(draft.priority, 'medium')}
            onChange={(event) => set('priority', event.target.value)}
          >
            {TASK_PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {priority}
              </option>
            ))}
          </select>
        </label>
      )}
      {(suggestion.kind === 'task.update' || suggestion.kind === 'task.create') && hasField('labels') && (
        <label>
          Labels (comma separated)
          <input
            name="labels"
            value={Array.isArray(draft.labels) ? (draft.labels as string[]).join(', ') : ''}
            onChange={(event) =>
              set(
                'labels',
                event.target.value
                  .split(',')
                  .map((label) => label.trim())
                  .filter(Boolean),
              )
            }
          />
        </label>
      )}
    </div>
  );
}
