import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import {
  TASK_STATUSES,
  type AuditAction,
  type Changes,
  type Page,
  type WipLimits,
  type WipLimitsPatch,
  type Workflow,
  type WorkflowPolicy,
  type WorkflowProgress,
} from '@tandem/shared';
import { AppError } from '../../common/app-error';
import { applyPatch, creationChanges } from '../../common/changes';
import type { Caller, RequestMeta } from '../../common/caller';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/paging';
import { WritePath, type WriteTx } from '../../core/write-path.service';
import { AgentsService } from '../agents/agents.service';
import { policyReviewers } from '../users/reviewers';
import type { AssignAgentsDto, CreateWorkflowDto, ListWorkflowsQueryDto, UpdateWorkflowDto } from './dto/workflow.dto';
import { WorkflowAgentEntity } from './entities/workflow-agent.entity';
import { WorkflowEntity } from './entities/workflow.entity';
import { DEFAULT_POLICY, effectivePolicy } from './workflow-policy';
import { WorkflowAccess } from './workflow-access.service';
import { WorkflowProgressPort } from './workflow-progress.port';

/** What a write needs of its workflow: the effective policy and the WIP limits. */
export interface WorkflowRules {
  policy: WorkflowPolicy;
  wipLimits: WipLimits;
}

/** Namespace of the per-workflow (board) advisory lock, apart from the audit chain's single-key lock. */
const BOARD_LOCK_SPACE = 7481;

/** Applies a WIP-limits patch: entries replace a column's limit, null removes it, absent columns keep theirs. */
function patchWipLimits(current: WipLimits, patch: WipLimitsPatch): WipLimits {
  const merged: WipLimits = { ...current };
  for (const status of TASK_STATUSES) {
    const limit = patch[status];
    if (limit === null) delete merged[status];
    else if (limit) merged[status] = { limit: limit.limit, hard: limit.hard };
  }
  return merged;
}

const EMPTY_PROGRESS: WorkflowProgress = { total: 0, completed: 0, failed: 0, ratio: 0 };

@Injectable()
export class WorkflowsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly access: WorkflowAccess,
    private readonly progress: WorkflowProgressPort,
    private readonly agents: AgentsService,
  ) {}

  /** A workflow row, for modules that need one (they never query the workflows table themselves). */
  find(em: EntityManager, id: string): Promise<WorkflowEntity | null> {
    return em.findOne(WorkflowEntity, { id });
  }

  /**
   * A workflow's rules (its effective policy and its WIP limits), by plain SQL: every decision reads them, inside
   * the write's transaction. Null when there is no such workflow.
   */
  rules(em: EntityManager, id: string): Promise<WorkflowRules | null> {
    return this.readRules(em, 'select policy, wip_limits from workflows where id = ?', [id]);
  }

  /**
   * Locks the workflow's board until commit, and reads its rules in the same statement. Creates and moves on one
   * board queue here, so that two never get the same rank or both slip under a hard WIP limit: what the lock guards
   * (ranks, column counts) must be read by later statements, whose snapshots are taken once it is held; the rules
   * are read with the statement's snapshot, taken before any wait, as a separate read would be.
   */
  lockBoard(em: EntityManager, id: string): Promise<WorkflowRules | null> {
    return this.readRules(
      em,
      // A CTE with a volatile function runs exactly once, before the read.
      'with board as (select pg_advisory_xact_lock(?, hashtext(?))) select policy, wip_limits from board, workflows where id = ?',
      [BOARD_LOCK_SPACE, id, id],
    );
  }

  private async readRules(em: EntityManager, sql: string, params: unknown[]): Promise<WorkflowRules | null> {
    const [row] = await em.execute<Array<{ policy: Partial<WorkflowPolicy>; wip_limits: WipLimits }>>(sql, params);
    return row ? { policy: effectivePolicy(row), wipLimits: row.wip_limits } : null;
  }

  /** Progress (from the tasks module) and assigned agents, in two queries for any number of rows. */
  async serialize(em: EntityManager, workflows: WorkflowEntity[]): Promise<Workflow[]> {
    const ids = workflows.map((workflow) => workflow.id);
    if (ids.length === 0) return [];
    const [progress, assignments] = await Promise.all([
      this.progress.current?.progressByWorkflow(em, ids) ?? new Map<string, WorkflowProgress>(),
      em.find(WorkflowAgentEntity, { workflow: { $in: ids } }, { orderBy: { agent: 'asc' } }),
    ]);
    return workflows.map((workflow) => ({
      id: workflow.id,
      name: workflow.name,
      description: workflow.description,
      status: workflow.status,
      createdBy: workflow.createdBy,
      progress: progress.get(workflow.id) ?? EMPTY_PROGRESS,
      policy: { ...DEFAULT_POLICY, ...workflow.policy },
      wipLimits: workflow.wipLimits,
      agentIds: assignments.filter((row) => row.workflow === workflow.id).map((row) => row.agent),
      archivedAt: workflow.archivedAt?.toISOString() ?? null,
      createdAt: workflow.createdAt.toISOString(),
      updatedAt: workflow.updatedAt.toISOString(),
      version: workflow.version,
    }));
  }

  private async one(em: EntityManager, workflow: WorkflowEntity): Promise<Workflow> {
    return (await this.serialize(em, [workflow]))[0];
  }

  /** Flushes the change so `data` carries the new version and derived fields, then queues its audit entry. */
  private async recorded(tx: WriteTx, workflow: WorkflowEntity, action: AuditAction, changes: Changes) {
    await tx.em.flush();
    const serialized = await this.one(tx.em, workflow);
    tx.record({
      action,
      entityType: 'workflow',
      entityId: workflow.id,
      workflowId: workflow.id,
      changes,
      data: serialized,
    });
    return serialized;
  }

  async list(caller: Caller, query: ListWorkflowsQueryDto): Promise<Page<Workflow>> {
    const em = this.orm.em.fork();
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const where: Record<string, unknown> = {};
    if (query.cursor) where.id = { $gt: query.cursor };
    if (query.status) where.status = query.status;
    if (query.includeArchived !== 'true') where.archivedAt = null;
    if (caller.type === 'agent')
      where.id = { ...(where.id as object), $in: await this.access.assignedWorkflowIds(em, caller.id) };
    const rows = await em.find(WorkflowEntity, where, { orderBy: { id: 'asc' }, limit: limit + 1 });
    return toPage(await this.serialize(em, rows), limit, (workflow) => workflow.id);
  }

  async get(caller: Caller, meta: RequestMeta, id: string): Promise<Workflow> {
    const em = this.orm.em.fork();
    const workflow = await em.findOne(WorkflowEntity, { id });
    if (!workflow) throw AppError.notFound('workflow', id);
    await this.access.assertCanAct(em, caller, meta, id);
    return this.one(em, workflow);
  }

  async create(caller: Caller, meta: RequestMeta, dto: CreateWorkflowDto): Promise<Workflow> {
    return this.writes.run(caller, meta, async (tx) => {
      const policyPatch = await policyReviewers(tx.em, dto.policy);
      const workflow = tx.em.create(WorkflowEntity, {
        name: dto.name,
        description: dto.description ?? '',
        status: dto.status ?? 'draft',
        createdBy: caller.id,
        policy: { ...DEFAULT_POLICY, ...policyPatch },
        wipLimits: patchWipLimits({}, dto.wipLimits ?? {}),
      });
      const changes = creationChanges(workflow, ['name', 'description', 'status', 'policy', 'wipLimits']);
      return this.recorded(tx, workflow, 'workflow.created', changes);
    });
  }

  async update(caller: Caller, meta: RequestMeta, id: string, dto: UpdateWorkflowDto): Promise<Workflow> {
    return this.writes.run(caller, meta, async (tx) => {
      const workflow = await tx.lock(WorkflowEntity, id, 'workflow');
      if (dto.version !== undefined && dto.version !== workflow.version)
        throw AppError.versionConflict('workflow', await this.one(tx.em, workflow));
      const policyPatch = await policyReviewers(tx.em, dto.policy);
      const policy = policyPatch ? { ...DEFAULT_POLICY, ...workflow.policy, ...policyPatch } : undefined;
      const changes = applyPatch(workflow, {
        name: dto.name,
        description: dto.description,
        status: dto.status,
        policy,
        wipLimits: dto.wipLimits ? patchWipLimits(workflow.wipLimits, dto.wipLimits) : undefined,
      });
      if (Object.keys(changes).length === 0) return this.one(tx.em, workflow);
      return this.recorded(tx, workflow, 'workflow.updated', changes);
    });
  }

  /** DELETE archives: the board and its history stay readable; the workflow leaves the default list. */
  async archive(caller: Caller, meta: RequestMeta, id: string): Promise<Workflow> {
    return this.writes.run(caller, meta, async (tx) => {
      const workflow = await tx.lock(WorkflowEntity, id, 'workflow');
      if (workflow.archivedAt) return this.one(tx.em, workflow);
      const changes = applyPatch(workflow, { archivedAt: new Date() });
      return this.recorded(tx, workflow, 'workflow.archived', changes);
    });
  }

  async assignAgents(caller: Caller, meta: RequestMeta, id: string, dto: AssignAgentsDto): Promise<Workflow> {
    const agentIds = [...new Set(dto.agentIds.map((agentId) => agentId.toLowerCase()))].sort();
    return this.writes.run(caller, meta, async (tx) => {
      const workflow = await tx.lock(WorkflowEntity, id, 'workflow');
      const found = await this.agents.count(tx.em, agentIds);
      if (found !== agentIds.length) throw AppError.badRequest('Some agentIds do not exist', { agentIds });
      const rows = await tx.em.find(WorkflowAgentEntity, { workflow: id });
      const before = rows.map((row) => row.agent).sort();
      // Keep the rows that stay: re-creating a row the identity map already holds silently inserts nothing.
      for (const row of rows) if (!agentIds.includes(row.agent)) tx.em.remove(row);
      for (const agent of agentIds)
        if (!before.includes(agent)) tx.em.create(WorkflowAgentEntity, { workflow: id, agent });
      return this.recorded(tx, workflow, 'workflow.agents_assigned', { agentIds: [before, agentIds] });
    });
  }
}
