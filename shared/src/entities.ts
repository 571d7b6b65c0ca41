/** Entity shapes as the REST API and the socket events carry them (DESIGN 3). Dates are ISO strings. */
import type {
  ActorType,
  AgentStatus,
  AuditAction,
  AuditOutcome,
  EntityType,
  Role,
  SuggestionKind,
  SuggestionStatus,
  TaskPriority,
  TaskStatus,
  TimeoutAction,
  WorkflowStatus,
} from './vocabulary.js';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** Two-factor sign-in (TOTP) is on. */
  mfaEnabled: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Agent {
  id: string;
  name: string;
  description: string;
  capabilities: string[];
  status: AgentStatus;
  lastSeen: string | null;
  totalTasks: number;
  failedTasks: number;
  /** completed / (completed + failed) of the tasks assigned to it; null before any finished. */
  successRate: number | null;
  revoked: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Who should review: named users and/or everyone with one of the roles (routing, notifications, "assigned to me"). */
export interface Reviewers {
  users?: string[];
  roles?: Role[];
}

export interface WorkflowPolicy {
  requiredApprovals: number;
  autoApproveAbove: number | null;
  suggestionTtlSeconds: number | null;
  separationOfDuties: boolean;
  /** Reviewers of the workflow's suggestions, unless a suggestion names its own. */
  reviewers?: Reviewers | null;
  /** Who hears of an escalation; without it, every admin. */
  escalationReviewers?: Reviewers | null;
  /**
   * What happens when `suggestionTtlSeconds` runs out: `expire` (the default; the agent hears `expired` and may ask
   * again) or `reject` (the system rejects it with a note; the agent hears `rejected`). Never an approval.
   */
  timeoutAction?: TimeoutAction;
  /** Seconds after it was made that a pending suggestion is escalated; unset or null: at half the time limit. */
  escalateAfterSeconds?: number | null;
}

/** A column's work-in-progress limit: over a hard one a create or move is refused (409), over a soft one it warns. */
export interface WipLimit {
  limit: number;
  hard: boolean;
}

/** WIP limits by board column; a column without an entry has no limit. */
export type WipLimits = Partial<Record<TaskStatus, WipLimit>>;

export interface WorkflowProgress {
  total: number;
  completed: number;
  failed: number;
  /** completed / total, 0..1 (0 for an empty workflow). */
  ratio: number;
}

export interface Workflow {
  id: string;
  name: string;
  description: string;
  status: WorkflowStatus;
  createdBy: string | null;
  progress: WorkflowProgress;
  policy: WorkflowPolicy;
  wipLimits: WipLimits;
  agentIds: string[];
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Task {
  id: string;
  workflowId: string;
  title: string;
  description: string;
  status: TaskStatus;
  rank: string;
  priority: TaskPriority;
  dueDate: string | null;
  agentId: string | null;
  assigneeUserId: string | null;
  labels: string[];
  startedAt: string | null;
  completedAt: string | null;
  durationSeconds: number | null;
  claimedBy: string | null;
  claimExpiresAt: string | null;
  createdBy: string | null;
  updatedBy: string | null;
  pendingSuggestions: number;
  /** Comments on the task, deleted ones not counted. */
  commentCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Approval {
  userId: string;
  name: string;
  at: string;
  /** The revision this approval was given to: only approvals of the current revision count toward the quorum. */
  revision: number;
}

export interface SuggestionRevision {
  revision: number;
  action: string;
  reasoning: string;
  payload: Record<string, unknown>;
  confidence: number;
  at: string;
  /** The approver's note that asked for this revision (request_changes), if any. */
  requestNote?: string | null;
  /** Set when an approver made this revision by approving with an edited payload. */
  editedBy?: { userId: string; name: string } | null;
}

export interface Suggestion {
  id: string;
  taskId: string | null;
  workflowId: string;
  agentId: string;
  kind: SuggestionKind;
  action: string;
  reasoning: string;
  payload: Record<string, unknown>;
  confidence: number;
  status: SuggestionStatus;
  revision: number;
  revisions: SuggestionRevision[];
  taskVersion: number | null;
  idempotencyKey: string;
  edited: boolean;
  approvals: Approval[];
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  /** A human's text answer (`respond` on a question or interrupt); null otherwise. */
  response: string | null;
  changesRequested: boolean;
  expiresAt: string | null;
  escalated: boolean;
  /** Who it is routed to: the suggestion's own reviewers, else the workflow policy's at creation; null for anyone. */
  reviewers: Reviewers | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface CommentAuthor {
  type: 'human' | 'agent';
  id: string;
  name: string;
}

export interface Comment {
  id: string;
  taskId: string;
  workflowId: string;
  author: CommentAuthor;
  /** Markdown; empty once deleted (tombstone). */
  body: string;
  parentId: string | null;
  editedAt: string | null;
  deletedAt: string | null;
  createdAt: string;
  version: number;
}

export interface Actor {
  type: ActorType;
  id: string | null;
  name: string;
}

export type Changes = Record<string, [unknown, unknown]>;

export interface AuditEntry {
  seq: number;
  at: string;
  actor: Actor;
  onBehalfOf: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  entityType: EntityType;
  entityId: string | null;
  workflowId: string | null;
  changes: Changes;
  context: Record<string, unknown>;
  /** The entity after the change (the real-time event's `data`). */
  data: unknown;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  prevHash: string;
  hash: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
