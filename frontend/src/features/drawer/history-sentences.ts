import type { AuditEntry, TaskStatus } from '@tandem/shared';
import { COLUMN_TITLES, formatDate, formatTime } from '@/lib/format';

/** Names for the ids an entry mentions (agents and people); undefined when unknown. */
export interface Names {
  agent: (id: string) => string | undefined;
  person: (id: string) => string | undefined;
}

const column = (status: unknown) => COLUMN_TITLES[status as TaskStatus] ?? String(status);
const quoted = (text: unknown) => `“${String(text).slice(0, 120)}”`;
const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** One changed field of a task in words, or null for bookkeeping a person does not care about. */
function fieldPhrase(field: string, before: unknown, after: unknown, names: Names): string | null {
  switch (field) {
    case 'title':
      return `renamed it to ${quoted(after)}`;
    case 'description':
      return after ? 'edited the description' : 'cleared the description';
    case 'priority':
      return `set the priority to ${String(after)}`;
    case 'dueDate':
      return after ? `set the due date to ${formatDate(after as string)}` : 'removed the due date';
    case 'labels': {
      const was = (before as string[] | null) ?? [];
      const now = (after as string[] | null) ?? [];
      const added = now.filter((label) => !was.includes(label));
      const removed = was.filter((label) => !now.includes(label));
      const parts = [
        added.length ? `added the label${added.length > 1 ? 's' : ''} ${list(added)}` : '',
        removed.length ? `removed the label${removed.length > 1 ? 's' : ''} ${list(removed)}` : '',
      ].filter(Boolean);
      return parts.length ? parts.join(' and ') : null;
    }
    case 'agentId':
      return after
        ? `assigned it to ${names.agent(after as string) ?? 'an agent'}`
        : `took it off ${before ? (names.agent(before as string) ?? 'its agent') : 'its agent'}`;
    case 'assigneeUserId':
      return after
        ? `assigned it to ${names.person(after as string) ?? 'someone'}`
        : `unassigned ${before ? (names.person(before as string) ?? 'its assignee') : 'its assignee'}`;
    case 'status':
      return `moved it from ${column(before)} to ${column(after)}`;
    default:
      return null; // rank, timestamps, claim fields, versions: said by the action itself or not worth saying
  }
}

/**
 * A task's history entry as a sentence: "Ada moved it from Pending to In progress", "scout suggested “…”".
 * Never raw field names, ranks or `null → null`.
 */
export function historySentence(entry: AuditEntry, names: Names): string {
  const who = entry.actor.type === 'system' ? 'Tandem' : entry.actor.name;
  const changes = entry.changes ?? {};
  const data = (entry.data ?? {}) as Record<string, unknown>;
  const phrases = () =>
    Object.entries(changes)
      .map(([field, [before, after]]) => fieldPhrase(field, before, after, names))
      .filter((phrase): phrase is string => !!phrase);
  const action = quoted(data.action ?? 'a change');
  switch (entry.action) {
    case 'task.created': {
      const status = data.status as TaskStatus | undefined;
      return status && status !== 'pending' ? `${who} created it in ${column(status)}` : `${who} created it`;
    }
    case 'task.moved': {
      const status = changes.status;
      if (status) return `${who} moved it from ${column(status[0])} to ${column(status[1])}`;
      return `${who} changed its place in ${column(data.status)}`;
    }
    case 'task.updated': {
      const said = phrases();
      return said.length ? `${who} ${list(said)}` : `${who} edited it`;
    }
    case 'task.deleted':
      return `${who} deleted it`;
    case 'task.claimed':
      return data.claimExpiresAt
        ? `${who} claimed it until ${formatTime(data.claimExpiresAt as string)}`
        : `${who} claimed it`;
    case 'task.released':
      return `${who} released its claim`;
    case 'suggestion.created':
      return `${who} suggested ${action}`;
    case 'suggestion.revised':
      return `${who} revised the suggestion ${action}`;
    case 'suggestion.approval_added':
      return `${who} approved ${action}; more approvals needed`;
    case 'suggestion.approved':
      return `${who} approved ${action}`;
    case 'suggestion.rejected':
      return `${who} rejected ${action}`;
    case 'suggestion.changes_requested':
      return `${who} asked for changes to ${action}`;
    case 'suggestion.expired':
      return `${action} expired without a decision`;
    case 'suggestion.escalated':
      return `${action} was escalated to admins`;
    case 'suggestion.withdrawn':
      return `${who} withdrew ${action}`;
    case 'comment.added':
      return `${who} commented`;
    case 'comment.edited':
      return `${who} edited a comment`;
    case 'comment.deleted':
      return `${who} deleted a comment`;
    default: {
      const said = phrases();
      return said.length ? `${who} ${list(said)}` : `${who}: ${entry.action.replace(/[._]/g, ' ')}`;
    }
  }
}
