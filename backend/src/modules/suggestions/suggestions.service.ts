import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Page, Suggestion, SuggestionKind, SuggestionRevision } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { applyPatch, creationChanges } from '../../common/changes';
import type { Caller, RequestMeta } from '../../common/caller';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/paging';
import { AuditService } from '../../core/audit.service';
import { WritePath } from '../../core/write-path.service';
import { AuthService } from '../auth/auth.service';
import { TaskEntity } from '../tasks/entities/task.entity';
import { assertKnownReviewers, normalizeReviewers } from '../users/reviewers';
import { DEFAULT_POLICY, WorkflowEntity } from '../workflows/entities/workflow.entity';
import { WorkflowAccess } from '../workflows/workflow-access.service';
import type { CreateSuggestionDto, ListSuggestionsQueryDto, ReviseSuggestionDto } from './dto/suggestion.dto';
import { validatePayload } from './dto/suggestion-payloads';
import { SuggestionEntity } from './entities/suggestion.entity';
import { assertPending, SuggestionDecisions } from './suggestion-decisions.service';
import { SuggestionWaiter } from './suggestion-waiter.service';
import { suggestionDraft, toSuggestion } from './suggestion.mapper';

/** Kinds that act on an existing task and so need `taskId`. */
const KINDS_ON_A_TASK: ReadonlySet<SuggestionKind> = new Set(['task.update', 'task.move', 'comment']);

/** Kinds a human answers rather than approves: never auto-approved by policy. */
export const CONVERSATION_KINDS: ReadonlySet<SuggestionKind> = new Set(['question', 'interrupt']);

const MAX_ACTION = 500;

const MAX_IDEMPOTENCY_KEY = 255;

@Injectable()
export class SuggestionsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly audit: AuditService,
    private readonly access: WorkflowAccess,
    private readonly decisions: SuggestionDecisions,
    private readonly waiter: SuggestionWaiter,
    private readonly auth: AuthService,
  ) {}

  /**
   * An agent's post. A retry with the same `Idempotency-Key` answers the first suggestion (`created: false`),
   * also when the retries race: the unique (agent, key) index lets exactly one insert win.
   */
  async create(
    caller: Caller,
    meta: RequestMeta,
    idempotencyKey: string | undefined,
    dto: CreateSuggestionDto,
  ): Promise<{ suggestion: Suggestion; created: boolean }> {
    if (caller.type !== 'agent') throw new AppError(ErrorCode.Forbidden, 'Only agents post suggestions');
    // A question or an interrupt without a key is simply not retry-safe: it gets a key of its own.
    const key = idempotencyKey?.trim() || (CONVERSATION_KINDS.has(dto.kind) ? randomUUID() : undefined);
    if (!key || key.length > MAX_IDEMPOTENCY_KEY) {
      throw new AppError(ErrorCode.ValidationFailed, 'The Idempotency-Key header is required (1 to 255 characters)', {
        details: [{ field: 'Idempotency-Key', errors: ['must be a non-empty string of at most 255 characters'] }],
      });
    }
    const earlier = await this.findByKey(caller.id, key);
    if (earlier) return { suggestion: earlier, created: false };
    const payload = dto.payload ?? {};
    await validatePayload(dto.kind, payload);
    const { action, confidence } = summaryOf(dto, payload);

    let autoApprove = false;
    let suggestion: Suggestion;
    try {
      suggestion = await this.writes.run(caller, meta, async (tx) => {
        const { workflow, task } = await this.target(tx.em, dto);
        await this.access.assertCanAct(tx.em, caller, meta, workflow.id);
        await assertKnownReviewers(tx.em, dto.reviewers, 'reviewers.users');
        const policy = { ...DEFAULT_POLICY, ...workflow.policy };
        const now = new Date();
        const entity = tx.em.create(SuggestionEntity, {
          task: task?.id ?? null,
          workflow: workflow.id,
          agent: caller.id,
          kind: dto.kind,
          action,
          reasoning: dto.reasoning ?? '',
          payload,
          confidence,
          taskVersion: task?.version ?? null,
          idempotencyKey: key,
          revisions: [revisionOf(1, action, dto.reasoning ?? '', payload, confidence, now, null)],
          expiresAt: policy.suggestionTtlSeconds ? new Date(now.getTime() + policy.suggestionTtlSeconds * 1000) : null,
          // Routing is fixed when it is posted: its own reviewers, else the policy's.
          reviewers: normalizeReviewers(dto.reviewers) ?? normalizeReviewers(policy.reviewers),
          createdAt: now,
          updatedAt: now,
        });
        await tx.em.flush();
        autoApprove =
          policy.autoApproveAbove !== null && !CONVERSATION_KINDS.has(dto.kind) && confidence > policy.autoApproveAbove;
        tx.record({
          action: 'suggestion.created',
          entityType: 'suggestion',
          entityId: entity.id,
          workflowId: workflow.id,
          changes: creationChanges(entity, [
            'kind',
            'task',
            'action',
            'reasoning',
            'payload',
            'confidence',
            'taskVersion',
            'expiresAt',
            'reviewers',
          ]),
          context: { idempotencyKey: key },
          data: () => toSuggestion(entity),
        });
        return toSuggestion(entity);
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // A concurrent retry with the same key committed first: answer its suggestion.
      const winner = await this.findByKey(caller.id, key);
      if (!winner) throw error;
      return { suggestion: winner, created: false };
    }
    if (autoApprove) suggestion = (await this.decisions.autoApprove(meta, suggestion.id)) ?? suggestion;
    return { suggestion, created: true };
  }

  async list(caller: Caller, query: ListSuggestionsQueryDto): Promise<Page<Suggestion>> {
    const em = this.orm.em.fork();
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const where: Record<string, unknown> = {};
    if (query.cursor) where.id = { $gt: query.cursor };
    if (query.status) where.status = query.status;
    if (query.workflowId) where.workflow = query.workflowId;
    if (query.taskId) where.task = query.taskId;
    if (query.agentId) where.agent = query.agentId;
    // Agents see only their own suggestions (another agent's filter simply matches nothing).
    if (caller.type === 'agent') where.agent = query.agentId && query.agentId !== caller.id ? [] : caller.id;
    if (Array.isArray(where.agent)) return { items: [], nextCursor: null };
    const qb = em
      .createQueryBuilder(SuggestionEntity)
      .select('*')
      .where(where)
      .orderBy({ id: 'asc' })
      .limit(limit + 1);
    if (query.assignedTo === 'me') {
      // Routed to me by name or by my role (an agent is never a reviewer).
      if (caller.type !== 'human') return { items: [], nextCursor: null };
      qb.andWhere('(reviewers @> ?::jsonb or reviewers @> ?::jsonb)', [
        JSON.stringify({ users: [caller.id] }),
        JSON.stringify({ roles: [caller.role] }),
      ]);
    }
    const rows = await qb.getResult();
    return toPage(rows.map(toSuggestion), limit, (row) => row.id);
  }

  /** One suggestion; with `wait` seconds, a long-poll that answers as soon as it is decided. */
  async get(caller: Caller, meta: RequestMeta, id: string, waitSeconds = 0): Promise<Suggestion> {
    const suggestion = await this.orm.em.fork().findOne(SuggestionEntity, { id });
    if (!suggestion) throw AppError.notFound('suggestion', id);
    this.assertCanSee(caller, meta, suggestion);
    if (waitSeconds <= 0 || suggestion.status !== 'pending') return toSuggestion(suggestion);
    return this.waiter.waitForDecision(
      suggestion,
      waitSeconds * 1000,
      async () => (await this.auth.refresh(caller)) !== null,
    );
  }

  /** The owning agent's next revision: answers a request for changes (or improves a pending suggestion). */
  async revise(caller: Caller, meta: RequestMeta, id: string, dto: ReviseSuggestionDto): Promise<Suggestion> {
    return this.writes.run(caller, meta, async (tx) => {
      const suggestion = await tx.lock(SuggestionEntity, id, 'suggestion');
      this.assertOwner(caller, meta, suggestion);
      assertPending(suggestion);
      if (dto.payload === null) {
        // PartialType's @IsOptional lets null through; a revision's payload is an object or left out.
        throw new AppError(ErrorCode.ValidationFailed, 'Invalid request: payload', {
          details: [{ field: 'payload', errors: ['payload must be an object'] }],
        });
      }
      if (dto.payload !== undefined) await validatePayload(suggestion.kind, dto.payload);
      const task = suggestion.task ? await tx.em.findOne(TaskEntity, { id: suggestion.task }) : null;
      const requestNote = suggestion.changesRequested ? suggestion.decisionNote : null;
      const changes = applyPatch(suggestion, {
        revision: suggestion.revision + 1,
        action: dto.action,
        reasoning: dto.reasoning,
        payload: dto.payload,
        confidence: dto.confidence,
        // The new revision is made against the task as it is now.
        taskVersion: task?.version ?? suggestion.taskVersion,
        // Approvals were given to the previous revision; the new one needs its own.
        approvals: [],
        edited: false,
        changesRequested: false,
        decisionNote: null,
      });
      suggestion.revisions = [
        ...suggestion.revisions,
        revisionOf(
          suggestion.revision,
          suggestion.action,
          suggestion.reasoning,
          suggestion.payload,
          suggestion.confidence,
          new Date(),
          requestNote,
        ),
      ];
      tx.record(
        suggestionDraft(suggestion, 'suggestion.revised', changes, { revision: suggestion.revision, requestNote }),
      );
      return toSuggestion(suggestion);
    });
  }

  async withdraw(caller: Caller, meta: RequestMeta, id: string): Promise<Suggestion> {
    return this.writes.run(caller, meta, async (tx) => {
      const suggestion = await tx.lock(SuggestionEntity, id, 'suggestion');
      this.assertOwner(caller, meta, suggestion);
      assertPending(suggestion);
      const changes = applyPatch(suggestion, {
        status: 'withdrawn',
        decidedBy: caller.id,
        decidedByName: caller.name,
        decidedAt: new Date(),
      });
      tx.record(suggestionDraft(suggestion, 'suggestion.withdrawn', changes));
      return toSuggestion(suggestion);
    });
  }

  private async findByKey(agentId: string, key: string): Promise<Suggestion | null> {
    const row = await this.orm.em.fork().findOne(SuggestionEntity, { agent: agentId, idempotencyKey: key });
    return row ? toSuggestion(row) : null;
  }

  /** The workflow (and task) a new suggestion is about; `task.create` and `custom` may name only a workflow. */
  private async target(em: EntityManager, dto: CreateSuggestionDto) {
    if (!dto.taskId && KINDS_ON_A_TASK.has(dto.kind)) {
      throw new AppError(ErrorCode.ValidationFailed, `A ${dto.kind} suggestion needs taskId`, {
        details: [{ field: 'taskId', errors: [`is required for ${dto.kind}`] }],
      });
    }
    const task = dto.taskId ? await em.findOne(TaskEntity, { id: dto.taskId, deletedAt: null }) : null;
    if (dto.taskId && !task) throw AppError.notFound('task', dto.taskId);
    if (task && dto.workflowId && dto.workflowId !== task.workflow) {
      throw AppError.badRequest('workflowId does not match the task’s workflow', {
        workflowId: dto.workflowId,
        taskWorkflowId: task.workflow,
      });
    }
    const workflowId = task?.workflow ?? dto.workflowId;
    if (!workflowId) {
      throw new AppError(ErrorCode.ValidationFailed, 'Name the task (taskId) or the workflow (workflowId)', {
        details: [{ field: 'workflowId', errors: ['is required when taskId is not given'] }],
      });
    }
    const workflow = await em.findOne(WorkflowEntity, { id: workflowId });
    if (!workflow) throw AppError.notFound('workflow', workflowId);
    return { workflow, task };
  }

  /** Humans (viewer+) see every suggestion; an agent only its own. */
  private assertCanSee(caller: Caller, meta: RequestMeta, suggestion: SuggestionEntity): void {
    if (caller.type !== 'agent' || caller.id === suggestion.agent) return;
    this.refuse(caller, meta, suggestion, 'an agent may read only its own suggestions');
  }

  private assertOwner(caller: Caller, meta: RequestMeta, suggestion: SuggestionEntity): void {
    if (caller.type === 'agent' && caller.id === suggestion.agent) return;
    this.refuse(caller, meta, suggestion, 'only the agent that posted a suggestion may revise or withdraw it');
  }

  private refuse(caller: Caller, meta: RequestMeta, suggestion: SuggestionEntity, reason: string): never {
    throw this.audit.refusal(
      caller,
      meta,
      reason,
      { entityType: 'suggestion', entityId: suggestion.id, workflowId: suggestion.workflow },
      `Forbidden: ${reason}`,
    );
  }
}

/**
 * The one-line summary and confidence: required for every kind but `question`, whose summary is the question
 * itself and whose confidence means nothing (0).
 */
function summaryOf(dto: CreateSuggestionDto, payload: Record<string, unknown>): { action: string; confidence: number } {
  if (dto.kind === 'question') {
    const question = String(payload.question);
    return { action: dto.action ?? truncate(question.split('\n')[0] ?? question), confidence: dto.confidence ?? 0 };
  }
  const missing = [
    ...(dto.action === undefined ? [{ field: 'action', errors: ['action must be a string'] }] : []),
    ...(dto.confidence === undefined ? [{ field: 'confidence', errors: ['confidence must be a number'] }] : []),
  ];
  if (missing.length || dto.action === undefined || dto.confidence === undefined) {
    throw new AppError(ErrorCode.ValidationFailed, `Invalid request: ${missing.map((m) => m.field).join(', ')}`, {
      details: missing,
    });
  }
  return { action: dto.action, confidence: dto.confidence };
}

const truncate = (text: string) => (text.length > MAX_ACTION ? `${text.slice(0, MAX_ACTION - 1)}…` : text);

function revisionOf(
  revision: number,
  action: string,
  reasoning: string,
  payload: Record<string, unknown>,
  confidence: number,
  at: Date,
  requestNote: string | null,
): SuggestionRevision {
  return { revision, action, reasoning, payload, confidence, at: at.toISOString(), requestNote };
}
