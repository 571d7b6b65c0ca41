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
  const action = quoted(typeof data.action === 'string' ? data.action : 'a change');
  const sentences: Partial<Record<AuditEntry['action'], () => string>> = {
    'task.created': () => {
      const status = data.status as TaskStatus | undefined;
      return status && status !== 'pending' ? `${who} created it in ${column(status)}` : `${who} created it`;
    },
    'task.moved': () => {
      const status = changes.status;
      if (status) return `${who} moved it from ${column(status[0])} to ${column(status[1])}`;
      return `${who} changed its place in ${column(data.status)}`;
    },
    'task.deleted': () => `${who} deleted it`,
    'task.claimed': () =>
      typeof data.claimExpiresAt === 'string'
        ? `${who} claimed it until ${formatTime(data.claimExpiresAt)}`
        : `${who} claimed it`,
    'task.released': () => `${who} released its claim`,
    'suggestion.created': () => `${who} suggested ${action}`,
    'suggestion.revised': () => `${who} revised the suggestion ${action}`,
    'suggestion.approval_added': () => `${who} approved ${action}; more approvals needed`,
    'suggestion.approved': () => `${who} approved ${action}`,
    'suggestion.rejected': () => `${who} rejected ${action}`,
    'suggestion.changes_requested': () => `${who} asked for changes to ${action}`,
    'suggestion.expired': () => `${action} expired without a decision`,
    'suggestion.escalated': () => `${action} was escalated to admins`,
    'suggestion.withdrawn': () => `${who} withdrew ${action}`,
    'comment.added': () => `${who} commented`,
    'comment.edited': () => `${who} edited a comment`,
    'comment.deleted': () => `${who} deleted a comment`,
  };
  const sentence = sentences[entry.action];
  if (sentence) return sentence();
  const said = phrases();
  if (entry.action === 'task.updated') return said.length ? `${who} ${list(said)}` : `${who} edited it`;
  return said.length ? `${who} ${list(said)}` : `${who}: ${entry.action.replace(/[._]/g, ' ')}`;
}
