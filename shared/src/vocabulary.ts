/** Enumerations shared by the backend, the frontend and agents. One definition each (DESIGN 2, 3, 6). */

export const ROLES = ['viewer', 'member', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** True when `role` is at least `required` in the order viewer < member < approver < admin. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

export const WORKFLOW_STATUSES = ['draft', 'running', 'paused', 'completed', 'failed'] as const;

/** What a workflow's time limit does to an undecided suggestion: it expires, or the system rejects it. */
export const TIMEOUT_ACTIONS = ['expire', 'reject'] as const;
export type TimeoutAction = (typeof TIMEOUT_ACTIONS)[number];
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** Board columns, in display order. */
export const TASK_STATUSES = ['pending', 'in_progress', 'review', 'completed', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_PRIORITIES = ['high', 'medium', 'low'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** From live connections: `busy` working, `online` connected, `idle` connected and waiting, `offline` none. */
export const AGENT_STATUSES = ['online', 'busy', 'idle', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/**
 * `interrupt`: a LangGraph HumanInterrupt (payload) posted through `POST /api/interrupts`; `question`: an agent asks,
 * a human answers in text. Neither changes anything in Tandem: the agent acts on the answer.
 */
export const SUGGESTION_KINDS = [
  'task.update',
  'task.move',
  'task.create',
  'comment',
  'custom',
  'interrupt',
  'question',
] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];

/** `answered`: a human responded in text (question, interrupt); `ignored`: a human dismissed an interrupt. */
export const SUGGESTION_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'expired',
  'withdrawn',
  'answered',
  'ignored',
] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/** `respond` (with `response` text) and `ignore` are for the kinds that allow them (question, interrupt). */
export const DECISIONS = ['approve', 'reject', 'request_changes', 'respond', 'ignore'] as const;
export type Decision = (typeof DECISIONS)[number];

export const ACTOR_TYPES = ['human', 'agent', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const AUDIT_OUTCOMES = ['success', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * The one vocabulary of audit actions, which are also the real-time event types (DESIGN 6).
 * Add to it rather than inventing near-synonyms.
 */
export const AUDIT_ACTIONS = [
  'workflow.created',
  'workflow.updated',
  'workflow.archived',
  'workflow.agents_assigned',
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'task.claimed',
  'task.released',
  'suggestion.created',
  'suggestion.revised',
  'suggestion.approval_added',
  'suggestion.approved',
  'suggestion.rejected',
  'suggestion.changes_requested',
  'suggestion.expired',
  'suggestion.escalated',
  'suggestion.withdrawn',
  'suggestion.answered',
  'suggestion.ignored',
  'comment.added',
  'comment.edited',
  'comment.deleted',
  'user.created',
  'user.updated',
  'user.disabled',
  /** A person changed their own notification preferences (e.g. email on/off). */
  'user.preferences_updated',
  'agent.registered',
  'agent.updated',
  'agent.key_rotated',
  'agent.revoked',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  /** Self-service password change (the other sessions of that user end with it). */
  'auth.password_changed',
  /** Two-factor sign-in switched on (after a confirmed code) or off; a one-time recovery code was spent. */
  'auth.mfa_enabled',
  'auth.mfa_disabled',
  'auth.mfa_recovery_used',
  /** A user ended some of their own sessions (one, or all but the current one); context lists them. */
  'auth.sessions_revoked',
  'access.denied',
  'audit.exported',
  /** Retention removed entries older than the floor (after archiving them); context holds the anchor. */
  'audit.purged',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  /** The system paused a webhook after a run of failed deliveries. */
  'webhook.paused',
  'webhook.redelivered',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const ENTITY_TYPES = [
  'workflow',
  'task',
  'suggestion',
  'comment',
  'user',
  'agent',
  'session',
  'audit',
  'webhook',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];
