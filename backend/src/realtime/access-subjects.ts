import type { AuditEntry } from '@tandem/shared';

/** Whose live connections must be re-checked after some committed changes. */
export interface AccessSubjects {
  users: string[];
  agents: string[];
  /** Agents' access to `workflow:<id>` depends on the workflow's assignments. */
  workflows: string[];
  /**
   * Users whose sockets all end, even those of a session that still holds: after a password change every live
   * connection authenticates again (the other sessions are gone; the one that changed it reconnects).
   */
  signOut: string[];
}

const SIGN_OUT_ACTIONS: ReadonlySet<string> = new Set(['auth.password_changed']);

/**
 * Which principals an audit entry may have taken authority from, as a pure function of the entry (like
 * `channelsOf`): any change to a user (role, disabled, password), to a user's sessions (logout, password
 * change), to an agent (key rotated, revoked) or to a workflow (agents assigned). It says only whom to look at
 * again; what they may still do is read afresh from the database, so a new kind of change needs no new code
 * here as long as it is audited on the user, session, agent or workflow it affects.
 */
export function accessSubjectsOf(entries: AuditEntry[]): AccessSubjects | null {
  const subjects: AccessSubjects = { users: [], agents: [], workflows: [], signOut: [] };
  for (const entry of entries) {
    if (entry.outcome !== 'success') continue;
    if (SIGN_OUT_ACTIONS.has(entry.action) && entry.entityType === 'user' && entry.entityId) {
      subjects.signOut.push(entry.entityId);
    }
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
      case 'webhook':
        break;
    }
  }
  const { users, agents, workflows, signOut } = subjects;
  if (!users.length && !agents.length && !workflows.length) return null;
  const unique = (ids: string[]) => [...new Set(ids)];
  return { users: unique(users), agents: unique(agents), workflows: unique(workflows), signOut: unique(signOut) };
}
