import type { AuditEntry } from '@tandem/shared';

/** Whose live connections must be re-checked after some committed changes. */
export interface AccessSubjects {
  users: string[];
  agents: string[];
  /** Agents' access to `workflow:<id>` depends on the workflow's assignments. */
  workflows: string[];
}

/**
 * Which principals an audit entry may have taken authority from, as a pure function of the entry (like
 * `channelsOf`): any change to a user (role, disabled, password), to a user's sessions (logout, password
 * change), to an agent (key rotated, revoked) or to a workflow (agents assigned). It says only whom to look at
 * again; what they may still do is read afresh from the database, so a new kind of change needs no new code
 * here as long as it is audited on the user, session, agent or workflow it affects.
 */
export function accessSubjectsOf(entries: AuditEntry[]): AccessSubjects | null {
  const subjects: AccessSubjects = { users: [], agents: [], workflows: [] };
  for (const entry of entries) {
    if (entry.outcome !== 'success') continue;
    switch (entry.entityType) {
      case 'user':
        if (entry.entityId) subjects.users.push(entry.entityId);
        break;
      case 'session':
        if (entry.actor.type === 'human' && entry.actor.id) subjects.users.push(entry.actor.id);
        break;
      case 'agent':
        if (entry.entityId) subjects.agents.push(entry.entityId);
        break;
      case 'workflow':
        if (entry.entityId) subjects.workflows.push(entry.entityId);
        break;
      case 'task':
      case 'suggestion':
      case 'comment':
      case 'audit':
        break;
    }
  }
  const { users, agents, workflows } = subjects;
  if (!users.length && !agents.length && !workflows.length) return null;
  return { users: [...new Set(users)], agents: [...new Set(agents)], workflows: [...new Set(workflows)] };
}
