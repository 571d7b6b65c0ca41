import type {
  AgentWithKey,
  AssignAgentsRequest,
  ChangePasswordRequest,
  CreateAgentRequest,
  CreateCommentRequest,
  CreateSuggestionRequest,
  CreateTaskRequest,
  CreateUserRequest,
  CreatedUser,
  ResetPasswordResponse,
  PersonSummary,
  CreateWorkflowRequest,
  DecideSuggestionRequest,
  LoginRequest,
  LoginResponse,
  LoginResult,
  MfaDisableRequest,
  MfaEnableResponse,
  MfaLoginRequest,
  MfaSetupResponse,
  MoveTaskRequest,
  Principal,
  ReviseSuggestionRequest,
  SessionInfo,
  UpdateAgentRequest,
  UpdateCommentRequest,
  UpdateTaskRequest,
  UpdateUserRequest,
  UpdateWorkflowRequest,
} from '../api.js';
import type { AuditFilter } from '../audit.js';
import type { Agent, AuditEntry, Comment, Page, Suggestion, Task, User, Workflow } from '../entities.js';
import type { SuggestionStatus } from '../vocabulary.js';
import type { MentionCandidate, Notification, NotificationPreferences, UnreadCount } from '../notifications.js';
import type { CreatedInterrupt, CreateInterruptRequest, InterruptState } from '../interrupts.js';
import type {
  CreateWebhookRequest,
  UpdateWebhookRequest,
  Webhook,
  WebhookDeliveryAttempt,
  WebhookWithSecret,
} from '../webhooks.js';
import { TandemApiError } from './api-error.js';

export interface RestClientOptions {
  /** Where the backend (or nginx in front of it) answers, e.g. `http://localhost:3000`; '' for same origin. */
  baseUrl: string;
  /** A session token or an agent key (`tdm_...`). Without one, the browser's session cookie is sent. */
  token?: string;
  /** Another fetch (tests, polyfills); defaults to the global one (Node 22 and browsers have it). */
  fetch?: typeof fetch;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export interface SuggestionQuery extends PageQuery {
  status?: SuggestionStatus;
  workflowId?: string;
  agentId?: string;
  taskId?: string;
  /** `me`: routed to the caller (by name or role). */
  assignedTo?: 'me';
}

export interface NotificationQuery extends PageQuery {
  unread?: boolean;
}

export interface AuditQuery extends AuditFilter {
  limit?: number;
  /** A seq: the page continues after it in the chosen order. */
  cursor?: string;
  order?: 'asc' | 'desc';
}

type Query = Record<string, string | number | boolean | undefined | null>;

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Sent on every call: the server refuses a cookie-authenticated mutation without it (a cross-site form or a
 * simple cross-site request cannot set a custom header). Harmless for bearer callers.
 */
export const CSRF_HEADER = 'x-tandem-csrf';

/** Soft WIP-limit warnings (and any later ones) ride on a successful answer in this header. */
const WARNING_HEADER = 'x-tandem-warning';

/** Told about a successful answer that carried a warning (e.g. a move over a soft WIP limit). */
export type WarningListener = (warning: string, request: { method: string; route: string }) => void;

const path = (strings: TemplateStringsArray, ...ids: string[]) =>
  strings.reduce((out, part, index) => out + part + (index < ids.length ? encodeURIComponent(ids[index]) : ''), '');

/** Typed REST calls for every route of DESIGN 9. Errors are thrown as `TandemApiError`. */
export class RestClient {
  readonly baseUrl: string;
  protected token: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly warningListeners = new Set<WarningListener>();

  constructor(options: RestClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Uses another credential from now on (e.g. after `login`, or a rotated agent key). */
  setToken(token: string | undefined): void {
    this.token = token;
  }

  /** Calls `listener` for every successful answer with an `X-Tandem-Warning`; returns the unsubscribe. */
  onWarning(listener: WarningListener): () => void {
    this.warningListeners.add(listener);
    return () => this.warningListeners.delete(listener);
  }

  /** The raw response of an authenticated call; throws `TandemApiError` when it is not 2xx. */
  async request(
    method: string,
    route: string,
    options: { body?: unknown; query?: Query; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', [CSRF_HEADER]: '1', ...options.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetchImpl(`${this.baseUrl}${route}${queryString(options.query)}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // The browser sends the httpOnly session cookie only when asked to (cross-origin dev setups too).
      credentials: this.token ? 'omit' : 'include',
      signal: options.signal,
    });
    if (!response.ok) throw await TandemApiError.from(response);
    const warning = response.headers.get(WARNING_HEADER);
    if (warning) this.warningListeners.forEach((listener) => listener(warning, { method, route }));
    return response;
  }

  protected async json<T>(method: string, route: string, options: Parameters<RestClient['request']>[2] = {}) {
    const response = await this.request(method, route, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  // auth
  /** A session, or `{mfaRequired, challenge}` when the account has two-factor on (then call `completeMfa`). */
  async login(body: LoginRequest): Promise<LoginResult> {
    const result = await this.json<LoginResult>('POST', '/api/auth/login', { body });
    if ('token' in result) this.token = result.token;
    return result;
  }
  async completeMfa(body: MfaLoginRequest): Promise<LoginResponse> {
    const result = await this.json<LoginResponse>('POST', '/api/auth/mfa', { body });
    this.token = result.token;
    return result;
  }
  /** Ends every other session of this user; the current one stays. */
  changePassword(body: ChangePasswordRequest): Promise<void> {
    return this.json('POST', '/api/auth/password', { body });
  }
  setupMfa(): Promise<MfaSetupResponse> {
    return this.json('POST', '/api/auth/mfa/setup');
  }
  enableMfa(code: string): Promise<MfaEnableResponse> {
    return this.json('POST', '/api/auth/mfa/enable', { body: { code } });
  }
  disableMfa(body: MfaDisableRequest): Promise<void> {
    return this.json('DELETE', '/api/auth/mfa', { body });
  }
  listSessions(): Promise<SessionInfo[]> {
    return this.json('GET', '/api/auth/sessions');
  }
  revokeSession(id: string): Promise<void> {
    return this.json('DELETE', path`/api/auth/sessions/${id}`);
  }
  revokeOtherSessions(): Promise<{ revoked: number }> {
    return this.json('POST', '/api/auth/sessions/revoke-others');
  }
  async logout(): Promise<void> {
    await this.json<void>('POST', '/api/auth/logout');
    this.token = undefined;
  }
  me(): Promise<Principal> {
    return this.json('GET', '/api/auth/me');
  }

  // users (admin)
  listUsers(query?: PageQuery): Promise<Page<User>> {
    return this.json('GET', '/api/users', { query: { ...query } });
  }
  createUser(body: CreateUserRequest): Promise<CreatedUser> {
    return this.json('POST', '/api/users', { body });
  }
  /** Names of all people, for anyone signed in (the full user list stays admin-only). */
  listPeople(query?: PageQuery): Promise<Page<PersonSummary>> {
    return this.json('GET', '/api/users/directory', { query: { ...query } });
  }
  resetPassword(id: string): Promise<ResetPasswordResponse> {
    return this.json('POST', path`/api/users/${id}/reset-password`);
  }
  updateUser(id: string, body: UpdateUserRequest): Promise<User> {
    return this.json('PATCH', path`/api/users/${id}`, { body });
  }
  deleteUser(id: string): Promise<User> {
    return this.json('DELETE', path`/api/users/${id}`);
  }

  // agents
  listAgents(query?: PageQuery): Promise<Page<Agent>> {
    return this.json('GET', '/api/agents', { query: { ...query } });
  }
  getAgent(id: string): Promise<Agent> {
    return this.json('GET', path`/api/agents/${id}`);
  }
  registerAgent(body: CreateAgentRequest): Promise<AgentWithKey> {
    return this.json('POST', '/api/agents', { body });
  }
  updateAgent(id: string, body: UpdateAgentRequest): Promise<Agent> {
    return this.json('PATCH', path`/api/agents/${id}`, { body });
  }
  revokeAgent(id: string): Promise<Agent> {
    return this.json('DELETE', path`/api/agents/${id}`);
  }
  rotateAgentKey(id: string): Promise<AgentWithKey> {
    return this.json('POST', path`/api/agents/${id}/rotate-key`);
  }

  // workflows
  /** `includeArchived: 'true'` lists archived workflows too. */
  listWorkflows(query?: PageQuery & { includeArchived?: 'true' | 'false' }): Promise<Page<Workflow>> {
    return this.json('GET', '/api/workflows', { query: { ...query } });
  }
  getWorkflow(id: string): Promise<Workflow> {
    return this.json('GET', path`/api/workflows/${id}`);
  }
  createWorkflow(body: CreateWorkflowRequest): Promise<Workflow> {
    return this.json('POST', '/api/workflows', { body });
  }
  updateWorkflow(id: string, body: UpdateWorkflowRequest): Promise<Workflow> {
    return this.json('PATCH', path`/api/workflows/${id}`, { body });
  }
  archiveWorkflow(id: string): Promise<Workflow> {
    return this.json('DELETE', path`/api/workflows/${id}`);
  }
  assignAgents(id: string, body: AssignAgentsRequest): Promise<Workflow> {
    return this.json('PUT', path`/api/workflows/${id}/agents`, { body });
  }

  // tasks
  /** The board: tasks in column and rank order. */
  listTasks(workflowId: string, query?: PageQuery): Promise<Page<Task>> {
    return this.json('GET', path`/api/workflows/${workflowId}/tasks`, { query: { ...query } });
  }
  createTask(workflowId: string, body: CreateTaskRequest): Promise<Task> {
    return this.json('POST', path`/api/workflows/${workflowId}/tasks`, { body });
  }
  getTask(id: string): Promise<Task> {
    return this.json('GET', path`/api/tasks/${id}`);
  }
  updateTask(id: string, body: UpdateTaskRequest): Promise<Task> {
    return this.json('PATCH', path`/api/tasks/${id}`, { body });
  }
  deleteTask(id: string): Promise<Task> {
    return this.json('DELETE', path`/api/tasks/${id}`);
  }
  moveTask(id: string, body: MoveTaskRequest): Promise<Task> {
    return this.json('POST', path`/api/tasks/${id}/move`, { body });
  }
  claimTask(id: string, body: { ttlSeconds?: number } = {}): Promise<Task> {
    return this.json('POST', path`/api/tasks/${id}/claim`, { body });
  }
  /** The task's own audit entries, newest first (`order: 'asc'` for oldest first), paged by seq. */
  taskHistory(
    id: string,
    query: { limit?: number; cursor?: string; order?: 'asc' | 'desc' } = {},
  ): Promise<Page<AuditEntry>> {
    return this.json('GET', path`/api/tasks/${id}/history`, { query: { ...query } });
  }
  releaseTask(id: string): Promise<Task> {
    return this.json('DELETE', path`/api/tasks/${id}/claim`);
  }

  // suggestions
  listSuggestions(query?: SuggestionQuery): Promise<Page<Suggestion>> {
    return this.json('GET', '/api/suggestions', { query: { ...query } });
  }
  /** With `wait` (seconds, at most 60) the server answers when it is decided, or after the wait. */
  getSuggestion(id: string, options: { wait?: number; signal?: AbortSignal } = {}): Promise<Suggestion> {
    return this.json('GET', path`/api/suggestions/${id}`, { query: { wait: options.wait }, signal: options.signal });
  }
  createSuggestion(body: CreateSuggestionRequest, idempotencyKey: string): Promise<Suggestion> {
    return this.json('POST', '/api/suggestions', { body, headers: { 'idempotency-key': idempotencyKey } });
  }
  reviseSuggestion(id: string, body: ReviseSuggestionRequest): Promise<Suggestion> {
    return this.json('POST', path`/api/suggestions/${id}/revisions`, { body });
  }
  withdrawSuggestion(id: string): Promise<Suggestion> {
    return this.json('POST', path`/api/suggestions/${id}/withdraw`);
  }
  decideSuggestion(id: string, body: DecideSuggestionRequest): Promise<Suggestion> {
    return this.json('POST', path`/api/suggestions/${id}/decision`, { body });
  }

  // LangGraph interrupts (kind `interrupt`); `interrupts: [...]` answers an array
  createInterrupt(body: CreateInterruptRequest): Promise<CreatedInterrupt | CreatedInterrupt[]> {
    return this.json('POST', '/api/interrupts', { body });
  }
  /** With `wait` (seconds, at most 60): `{status: 'pending'}` or `{status: 'decided', response}`. */
  getInterrupt(id: string, options: { wait?: number; signal?: AbortSignal } = {}): Promise<InterruptState> {
    return this.json('GET', path`/api/interrupts/${id}`, { query: { wait: options.wait }, signal: options.signal });
  }

  // webhooks (admins)
  listWebhooks(query?: PageQuery): Promise<Page<Webhook>> {
    return this.json('GET', '/api/webhooks', { query: { ...query } });
  }
  createWebhook(body: CreateWebhookRequest): Promise<WebhookWithSecret> {
    return this.json('POST', '/api/webhooks', { body });
  }
  updateWebhook(id: string, body: UpdateWebhookRequest): Promise<Webhook> {
    return this.json('PATCH', path`/api/webhooks/${id}`, { body });
  }
  deleteWebhook(id: string): Promise<Webhook> {
    return this.json('DELETE', path`/api/webhooks/${id}`);
  }
  webhookDeliveries(id: string, query?: PageQuery): Promise<Page<WebhookDeliveryAttempt>> {
    return this.json('GET', path`/api/webhooks/${id}/deliveries`, { query: { ...query } });
  }
  redeliverWebhook(id: string, deliveryId: string): Promise<{ deliveryId: string; eventId: string; state: string }> {
    return this.json('POST', path`/api/webhooks/${id}/deliveries/${deliveryId}/redeliver`);
  }

  // comments
  listComments(taskId: string, query?: PageQuery): Promise<Page<Comment>> {
    return this.json('GET', path`/api/tasks/${taskId}/comments`, { query: { ...query } });
  }
  addComment(taskId: string, body: CreateCommentRequest): Promise<Comment> {
    return this.json('POST', path`/api/tasks/${taskId}/comments`, { body });
  }
  editComment(id: string, body: UpdateCommentRequest): Promise<Comment> {
    return this.json('PATCH', path`/api/comments/${id}`, { body });
  }
  deleteComment(id: string): Promise<Comment> {
    return this.json('DELETE', path`/api/comments/${id}`);
  }

  // notifications (the signed-in person's own)
  listNotifications(query?: NotificationQuery): Promise<Page<Notification>> {
    return this.json('GET', '/api/notifications', { query: { ...query } });
  }
  unreadNotifications(): Promise<UnreadCount> {
    return this.json('GET', '/api/notifications/unread-count');
  }
  markNotificationRead(id: string): Promise<Notification> {
    return this.json('POST', path`/api/notifications/${id}/read`);
  }
  markAllNotificationsRead(): Promise<{ updated: number }> {
    return this.json('POST', '/api/notifications/read-all');
  }
  notificationPreferences(): Promise<NotificationPreferences> {
    return this.json('GET', '/api/notifications/preferences');
  }
  updateNotificationPreferences(body: NotificationPreferences): Promise<NotificationPreferences> {
    return this.json('PATCH', '/api/notifications/preferences', { body });
  }
  mentionCandidates(q: string): Promise<{ items: MentionCandidate[] }> {
    return this.json('GET', '/api/notifications/mention-candidates', { query: { q } });
  }

  // audit (admin)
  /** Recent work on the boards, for anyone signed in (ip and user agent left out). */
  recentActivity(query: { limit?: number } = {}): Promise<Page<AuditEntry>> {
    return this.json('GET', '/api/audit/activity', { query: { ...query } });
  }
  searchAudit(query?: AuditQuery): Promise<Page<AuditEntry>> {
    return this.json('GET', '/api/audit', { query: { ...query } });
  }
  /** The streamed export (CSV or NDJSON ending with a manifest); read `response.body` to stream it. */
  exportAudit(format: 'csv' | 'ndjson', filter?: AuditFilter): Promise<Response> {
    return this.request('GET', '/api/audit/export', { query: { ...filter, format } });
  }
  verifyAudit<Result = Record<string, unknown>>(range: { from?: number; to?: number } = {}): Promise<Result> {
    return this.json('GET', '/api/audit/verify', { query: { ...range } });
  }

  // health
  health(): Promise<{ status: string }> {
    return this.json('GET', '/health');
  }
  ready(): Promise<{ status: string; checks: Record<string, string> }> {
    return this.json('GET', '/health/ready');
  }
}
