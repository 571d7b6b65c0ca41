import type { AuditEntry, Workflow } from '@tandem/shared';
import type { Names } from '@/features/drawer/history-sentences';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const asText = (value: unknown, fallback = '') =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;

/** An action in words: `task.moved` → "moved a task", `auth.login_failed` → "failed to sign in". */
const ACTION_WORDS: Partial<Record<AuditEntry['action'], string>> = {
  'auth.login': 'signed in',
  'auth.login_failed': 'failed to sign in',
  'auth.logout': 'signed out',
  'access.denied': 'was refused access',
  'audit.exported': 'exported the audit log',
  'audit.purged': 'archived old audit entries',
  'suggestion.changes_requested': 'asked for changes to a suggestion',
  'suggestion.approval_added': 'added an approval',
  'workflow.agents_assigned': "changed a workflow's agents",
  'agent.key_rotated': "rotated an agent's key",
  'agent.registered': 'registered an agent',
  'task.claimed': 'claimed a task',
  'task.released': 'released a task',
};

export function actionWords(action: AuditEntry['action']): string {
  const known = ACTION_WORDS[action];
  if (known) return known;
  const [entity, verb] = action.split('.');
  return `${verb.replace(/_/g, ' ')} a ${entity}`;
}

/**
 * What an entry is about, by name and with a link where there is a page for it: never a raw or cut id.
 * `data` is the entity after the change (the event's data), which names it as it was then.
 */
export function EntityCell({
  entry,
  names,
  workflows,
}: {
  entry: AuditEntry;
  names: Names;
  workflows: Map<string, Workflow>;
}) {
  const data = (entry.data ?? {}) as Record<string, unknown>;
  const board = (workflowId: string | null | undefined, taskId?: string | null) =>
    workflowId ? `/workflows/${workflowId}${taskId ? `?task=${taskId}` : ''}` : undefined;
  const link = (text: string, href: string | undefined) => (href ? <a href={href}>{text}</a> : <span>{text}</span>);
  switch (entry.entityType) {
    case 'task':
      return link(`Task “${asText(data.title, 'untitled').slice(0, 80)}”`, board(entry.workflowId, entry.entityId));
    case 'workflow': {
      const name = (data.name as string | undefined) ?? workflows.get(entry.entityId ?? '')?.name ?? 'a workflow';
      return link(`Workflow “${name}”`, board(entry.entityId));
    }
    case 'suggestion':
      return link(
        `Suggestion “${asText(data.action).slice(0, 80)}”`,
        board(entry.workflowId, (data.taskId as string | null | undefined) ?? null),
      );
    case 'comment':
      return link('A comment', board(entry.workflowId, (data.taskId as string | undefined) ?? null));
    case 'agent':
      return <span>Agent {(data.name as string | undefined) ?? names.agent(entry.entityId ?? '') ?? ''}</span>;
    case 'user':
      return <span>{(data.name as string | undefined) ?? names.person(entry.entityId ?? '') ?? 'A person'}</span>;
    case 'session':
      return <span>Session</span>;
    case 'audit':
      return <span>The audit log</span>;
    case 'webhook':
      return <span>Webhook {asText(data.name ?? data.url)}</span>;
  }
}

/** The changes of an entry in words (`title: “a” → “b”`), short; ids replaced by names. */
export function changeWords(entry: AuditEntry, names: Names): string {
  const show = (field: string, value: unknown): string => {
    if (value === null || value === undefined || value === '') return 'none';
    if (typeof value === 'string' && UUID.test(value)) return names.agent(value) ?? names.person(value) ?? 'someone';
    if (field === 'agentId') return names.agent(asText(value)) ?? 'an agent';
    if (field === 'assigneeUserId') return names.person(asText(value)) ?? 'a person';
    if (field === 'agentIds' && Array.isArray(value))
      return value.map((id) => names.agent(asText(id)) ?? 'an agent').join(', ') || 'none';
    const named = (text: string) =>
      text.replace(
        new RegExp(UUID.source.slice(1, -1), 'gi'),
        (id) => names.agent(id) ?? names.person(id) ?? 'someone',
      );
    if (typeof value === 'string') return `“${named(value).slice(0, 60)}”`;
    return named(JSON.stringify(value)).slice(0, 60);
  };
  return Object.entries(entry.changes ?? {})
    .filter(([field]) => !['rank', 'updatedAt', 'version'].includes(field))
    .map(([field, [before, after]]) => `${field}: ${show(field, before)} → ${show(field, after)}`)
    .join('; ')
    .slice(0, 240);
}
