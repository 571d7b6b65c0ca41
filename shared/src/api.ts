/** Request and response shapes of the REST API (DESIGN 9). Backend DTO classes implement these. */
import type { Agent, Reviewers, User, WipLimit, WorkflowPolicy } from './entities.js';
import type { Decision, Role, SuggestionKind, TaskPriority, TaskStatus, WorkflowStatus } from './vocabulary.js';

export interface LoginRequest {
  email: string;
  password: string;
}
/** A session: the answer of a password login without two-factor, and of `POST /api/auth/mfa`. */
export interface LoginResponse {
  token: string;
  user: User;
  /** With `REQUIRE_MFA_FOR_ADMINS=1`, an admin without two-factor: this session may only enrol (and log out). */
  mfaEnrollmentRequired?: boolean;
}
/** The password was right and the account has two-factor on: finish with `POST /api/auth/mfa`. */
export interface MfaChallengeResponse {
  mfaRequired: true;
  challenge: string;
}
export type LoginResult = LoginResponse | MfaChallengeResponse;
export interface MfaLoginRequest {
  challenge: string;
  /** A 6-digit TOTP code or a one-time recovery code. */
  code: string;
}
export interface ChangePasswordRequest {
  current: string;
  next: string;
}
export interface MfaSetupResponse {
  /** Base32 secret, for authenticator apps that cannot scan. */
  secret: string;
  otpauthUrl: string;
  /** The otpauth URL as a QR code (`data:image/png;base64,...`). */
  qrCode: string;
}
export interface MfaEnableRequest {
  code: string;
}
export interface MfaEnableResponse {
  /** Shown once: each signs in once in place of a TOTP code. */
  recoveryCodes: string[];
}
/** Removing two-factor needs the password or a current code (TOTP or recovery). */
export interface MfaDisableRequest {
  password?: string;
  code?: string;
}
export interface SessionInfo {
  id: string;
  createdAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  /** The session making this request. */
  current: boolean;
}

export type Principal = { type: 'human'; user: User } | { type: 'agent'; agent: Agent };

export interface CreateUserRequest {
  email: string;
  name: string;
  /** Left out: the server generates a one-time password and answers it once as `temporaryPassword`. */
  password?: string;
  role: Role;
}
/** A created user; `temporaryPassword` only when the server generated it (shown once, never stored in clear). */
export type CreatedUser = User & { temporaryPassword?: string };
/** `GET /api/users/directory`: who the people are, by name, for anyone signed in (pickers, history, audit). */
export interface PersonSummary {
  id: string;
  name: string;
  role: Role;
  disabled: boolean;
}
/** `POST /api/users/:id/reset-password`: a new one-time password, shown once; the user's sessions end. */
export interface ResetPasswordResponse {
  temporaryPassword: string;
}
export interface UpdateUserRequest {
  name?: string;
  role?: Role;
  password?: string;
  disabled?: boolean;
  version?: number;
}

export interface CreateAgentRequest {
  name: string;
  description?: string;
  capabilities?: string[];
}
export interface UpdateAgentRequest {
  name?: string;
  description?: string;
  capabilities?: string[];
  version?: number;
}
export interface AgentWithKey {
  agent: Agent;
  apiKey: string;
}

export interface CreateWorkflowRequest {
  name: string;
  description?: string;
  status?: WorkflowStatus;
  policy?: Partial<WorkflowPolicy>;
  wipLimits?: WipLimitsPatch;
}
/** Per column: a limit to set, or null to remove that column's limit; columns left out keep theirs. */
export type WipLimitsPatch = Partial<Record<TaskStatus, WipLimit | null>>;
export interface UpdateWorkflowRequest {
  name?: string;
  description?: string;
  status?: WorkflowStatus;
  policy?: Partial<WorkflowPolicy>;
  wipLimits?: WipLimitsPatch;
  /** The version the client read: a stale one is refused with 409 and the current row. Without it, the write
   * applies to whatever is current (last writer wins); clients that show an edit form should always send it. */
  version?: number;
}
export interface AssignAgentsRequest {
  agentIds: string[];
}

export interface CreateTaskRequest {
  title: string;
  description?: string;
  status?: TaskStatus;
  priority?: TaskPriority;
  dueDate?: string | null;
  agentId?: string | null;
  assigneeUserId?: string | null;
  labels?: string[];
}
export interface UpdateTaskRequest {
  title?: string;
  description?: string;
  priority?: TaskPriority;
  dueDate?: string | null;
  agentId?: string | null;
  assigneeUserId?: string | null;
  labels?: string[];
  /** The version the client read: a stale one is refused with 409 and the current row. Without it, the write
   * applies to whatever is current (last writer wins); clients that show an edit form should always send it. */
  version?: number;
}
export interface MoveTaskRequest {
  status: TaskStatus;
  /** The task that will sit just before (above) the moved one. */
  beforeId?: string | null;
  /** The task that will sit just after (below) the moved one. */
  afterId?: string | null;
  version: number;
}

/** Soft delete of a task: the version may also be sent as `?version=`. */
export interface DeleteTaskRequest {
  version?: number;
}
/** An agent's lease on a task; claiming again while holding it renews the lease. */
export interface ClaimTaskRequest {
  /** Lease length in seconds (default 300). */
  ttlSeconds?: number;
}

export interface CreateSuggestionRequest {
  taskId?: string | null;
  workflowId?: string;
  kind: SuggestionKind;
  /** Required, except for a `question` (it defaults to the question). */
  action?: string;
  reasoning?: string;
  payload?: Record<string, unknown>;
  /** Required, except for a `question`. */
  confidence?: number;
  /** Route it to these reviewers instead of the workflow policy's. */
  reviewers?: Reviewers;
}
export interface ReviseSuggestionRequest {
  action?: string;
  reasoning?: string;
  payload?: Record<string, unknown>;
  confidence?: number;
}
export interface DecideSuggestionRequest {
  decision: Decision;
  /** The revision the approver saw; optional for `question` and `interrupt` (they have only one). */
  revision?: number;
  note?: string;
  payload?: Record<string, unknown>;
  /** The text answer of a `respond` decision. */
  response?: string;
}

export interface CreateCommentRequest {
  body: string;
  parentId?: string | null;
}
export interface UpdateCommentRequest {
  body: string;
  version?: number;
}
