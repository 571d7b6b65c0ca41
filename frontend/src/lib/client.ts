import { TandemClient, TandemApiError, type TaskStatus } from '@tandem/shared';
import { COLUMN_TITLES } from './format';

/**
 * The one TandemClient of the page. Same origin as the backend (it serves this app), so no token is kept in
 * the page: the httpOnly session cookie authenticates both REST and the socket.
 */
let client: TandemClient | undefined;

export function getClient(): TandemClient {
  client ??= new TandemClient({ baseUrl: '' });
  return client;
}

/** Field names as a person reads them. */
const FIELD_WORDS: Record<string, string> = {
  title: 'Title',
  name: 'Name',
  email: 'Email',
  password: 'Password',
  description: 'Description',
  dueDate: 'Due date',
  labels: 'Labels',
  body: 'Comment',
  note: 'Note',
  role: 'Role',
  'policy.requiredApprovals': 'Required approvals',
  'policy.autoApproveAbove': 'Auto-approve threshold',
  'policy.suggestionTtlSeconds': 'Time limit',
};

function fieldWords(field: string): string {
  if (FIELD_WORDS[field]) return FIELD_WORDS[field];
  const last = field.split('.').at(-1) ?? field;
  const spaced = last
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** One validation message (class-validator's wording) in plain words: "Title can't be empty". */
export function fieldMessage(field: string, error: string): string {
  const what = fieldWords(field);
  if (/should not be empty|longer than or equal to 1 character/.test(error)) return `${what} can't be empty`;
  const max = /shorter than or equal to (\d+)/.exec(error);
  if (max) return `${what} is too long: at most ${Number(max[1]).toLocaleString()} characters`;
  if (/must be an email/.test(error)) return `${what} must be an email address`;
  const min = /longer than or equal to (\d+)/.exec(error);
  if (min) return `${what} must be at least ${min[1]} characters`;
  if (/should not exist/.test(error)) return `${what} is not accepted here`;
  return `${what}: ${error.replace(/^\S+ /, '')}`;
}

/** A message a person can read, for any error a call may throw: never "Failed to fetch" or a column name. */
export function errorMessage(error: unknown): string {
  if (error instanceof TandemApiError) {
    const details = error.body.details;
    if (error.status === 400 && Array.isArray(details) && details.length) {
      return details
        .flatMap((detail) => detail.errors.slice(0, 1).map((e) => fieldMessage(detail.field, e)))
        .join('. ');
    }
    if (error.code === 'wip_limit' && details && !Array.isArray(details)) {
      const { status, count, limit } = details as { status: TaskStatus; count: number; limit: number };
      return `“${COLUMN_TITLES[status] ?? status}” is full: it holds ${count} of at most ${limit} tasks (a hard limit).`;
    }
    if (error.status === 403) return "You don't have permission to do that.";
    if (error.status === 413) return 'That is too large to send.';
    if (error.status === 429) return 'Too many requests: wait a moment and try again.';
    if (error.status >= 500) return 'Tandem had a problem on its side; nothing was changed. Try again.';
    return error.message;
  }
  if (error instanceof TypeError || (error instanceof Error && /fetch|network/i.test(error.message))) {
    return "Tandem can't be reached: check your connection. Nothing was saved.";
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isConflict(error: unknown): error is TandemApiError {
  return error instanceof TandemApiError && error.status === 409;
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof TandemApiError && error.status === 401;
}

/**
 * The server's soft-WIP warning (`Column <status> is at its WIP limit (n of m)...`) with the column as the board
 * shows it and the count after the change.
 */
export function wipWarningWords(warning: string): string {
  const match = /Column (\w+) is at its WIP limit \((\d+) of (\d+)\)/.exec(warning);
  if (!match) return warning;
  const [, status, before, limit] = match;
  const title = COLUMN_TITLES[status as TaskStatus] ?? status;
  return `“${title}” now holds ${Number(before) + 1} tasks, over its soft limit of ${limit}. The change was kept.`;
}
