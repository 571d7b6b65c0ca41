import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import {
  TASK_STATUSES,
  type AuditEntry,
  type CreateTaskRequest,
  type Page,
  type Task,
  type UpdateTaskRequest,
} from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { applyPatch, creationChanges } from '../../common/changes';
import { isHumanAtLeast, type Caller, type RequestMeta } from '../../common/caller';
import { AgentsService } from '../agents/agents.service';
import { AuditQueryService } from '../audit/audit-query.service';
import { WritePath, type WriteTx } from '../../core/write-path.service';
import { UsersService } from '../users/users.service';
import { WorkflowsService } from '../workflows/workflows.service';
import { WorkflowAccess } from '../workflows/workflow-access.service';
import type { TaskHistoryQueryDto } from './dto/task.dto';
import { TaskEntity } from './entities/task.entity';
import { activeClaim, statusFields, taskChanges, taskFieldsOf, toTask } from './task.mapper';
import { lockTask, selectTasks, updateTask, type TaskRow } from './task-rows';
import { checkWipLimit, findSlot, fitsSlot, rankIn, type TaskPlacement } from './task-placement';
import { TaskCountsPort, type TaskCountName, type TaskCounts } from './task-counts.port';

export type { TaskPlacement } from './task-placement';

/** The editable fields of a task (an update request without its version): also a `task.update` payload. */
export type TaskPatch = Omit<UpdateTaskRequest, 'version'>;

/** A task after a create or move, with the soft WIP-limit warnings it produced (sent as `X-Tandem-Warning`). */
export interface TaskWrite {
  task: Task;
  warnings: string[];
}

const CREATED_FIELDS: Array<keyof Task> = [
  'title',
  'description',
  'status',
  'rank',
  'priority',
  'dueDate',
  'agentId',
  'assigneeUserId',
  'labels',
  'startedAt',
  'completedAt',
];

const withWarnings = (context: Record<string, unknown>, warnings: string[]) =>
  warnings.length ? { ...context, warnings } : context;

/**
 * Tasks on the board. The `...InTx` methods do one change inside a caller's write transaction and record its
 * audit entry; the suggestions module uses them to apply approved suggestions in the approval's transaction.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly access: WorkflowAccess,
    private readonly auditQuery: AuditQueryService,
    private readonly taskCounts: TaskCountsPort,
    private readonly agents: AgentsService,
    private readonly users: UsersService,
    private readonly workflows: WorkflowsService,
  ) {}

  /**
   * The counts read with each task's row lock (`lock`): a write to the task does not change them, so its answer
   * needs no second query.
   */
  private readonly countsAtLock = new WeakMap<TaskRow, Partial<Record<TaskCountName, number>>>();

  /** The API shape, with `pendingSuggestions` and `commentCount` as read with the rows' locks, or in one query. */
  async serialize(em: EntityManager, tasks: TaskRow[]): Promise<Task[]> {
    if (tasks.length === 0) return [];
    const locked = tasks.map((task) => this.countsAtLock.get(task));
    if (locked.every((counts) => counts !== undefined)) {
      const now = new Date();
      return tasks.map((task, i) => toTask(task, locked[i].pendingSuggestions ?? 0, now, locked[i].comments ?? 0));
    }
    return this.withCounts(tasks, await this.taskCounts.counts(em, { taskIds: tasks.map((task) => task.id) }));
  }

  /** Pending suggestions and comments come from the modules that own them (0 without them). */
  private withCounts(tasks: TaskRow[], counts: TaskCounts): Task[] {
    const now = new Date();
    return tasks.map((task) =>
      toTask(task, counts.pendingSuggestions.get(task.id) ?? 0, now, counts.comments.get(task.id) ?? 0),
    );
  }

  private async one(em: EntityManager, task: TaskRow): Promise<Task> {
    return (await this.serialize(em, [task]))[0];
  }

  /** The board: live tasks in column order, then rank. */
  async board(caller: Caller, meta: RequestMeta, workflowId: string): Promise<Page<Task>> {
    const em = this.orm.em.fork();
    if (!(await this.workflows.find(em, workflowId))) throw AppError.notFound('workflow', workflowId);
    await this.access.assertCanAct(em, caller, meta, workflowId);
    // Read-only: plain rows (property names, no entity hydration or tracking: thousands of entities cost far more
    // than the query), and the pending counts by workflow rather than by a list of every task id.
    const [rows, counts] = await Promise.all([
      em
        .createQueryBuilder(TaskEntity)
        .select('*')
        .where({ workflow: workflowId, deletedAt: null })
        .orderBy({ rank: 'asc', id: 'asc' })
        .execute<TaskEntity[]>('all', true),
      this.taskCounts.counts(em, { workflowId }),
    ]);
    const column = (task: TaskEntity) => TASK_STATUSES.indexOf(task.status);
    rows.sort((a, b) => column(a) - column(b));
    return { items: this.withCounts(rows, counts), nextCursor: null };
  }

  async get(caller: Caller, meta: RequestMeta, id: string): Promise<Task> {
    const em = this.orm.em.fork();
    const task = await this.find(em, id, { liveOnly: true });
    if (!task) throw AppError.notFound('task', id);
    await this.access.assertCanAct(em, caller, meta, task.workflow);
    return this.one(em, task);
  }

  /** The task's own history: its audit entries, newest first, for everyone who may see the task. */
  async history(caller: Caller, meta: RequestMeta, id: string, page: TaskHistoryQueryDto): Promise<Page<AuditEntry>> {
    await this.get(caller, meta, id);
    const history = await this.auditQuery.search({ ...page, entityType: 'task', entityId: id, outcome: 'success' });
    // Where people connect from is personal data: only admins (who read the whole log anyway) see it.
    if (isHumanAtLeast(caller, 'admin')) return history;
    return { ...history, items: history.items.map((entry) => ({ ...entry, ip: null, userAgent: null })) };
  }

  /** A task row (deleted ones too unless `liveOnly`), for modules that need one. */
  async find(em: EntityManager, id: string, options: { liveOnly?: boolean } = {}): Promise<TaskRow | null> {
    return (await selectTasks(em, [id], options))[0] ?? null;
  }

  /** Task rows by id, in one query, keyed by id (deleted ones too). */
  async findMany(em: EntityManager, ids: string[]): Promise<Map<string, TaskRow>> {
    return new Map((await selectTasks(em, [...new Set(ids)])).map((task) => [task.id, task]));
  }

  /** Locks a task row for this transaction (no access check: the caller decides), or 404. */
  async lock(tx: WriteTx, id: string): Promise<TaskRow> {
    const locked = await lockTask(tx.em, id, this.taskCounts.columns());
    if (!locked) throw AppError.notFound('task', id);
    this.countsAtLock.set(locked.task, locked.extra);
    return locked.task;
  }

  /**
   * Writes changed fields of a task locked by `lock` (version + 1, `updatedAt` now) and applies them to `task`.
   * Every change to an existing task goes through here.
   */
  save(tx: WriteTx, task: TaskRow, fields: Partial<TaskRow>): Promise<void> {
    return updateTask(tx.em, task, fields);
  }

  /** Locks a live task for this transaction and checks the caller may act on its workflow. */
  async lockForWrite(tx: WriteTx, id: string): Promise<TaskRow> {
    const task = await this.lock(tx, id);
    if (task.deletedAt) throw AppError.notFound('task', id);
    await this.access.assertCanAct(tx.em, tx.caller, tx.meta, task.workflow);
    return task;
  }

  /** While an agent holds a live claim, other agents may not change the task; humans may. */
  async assertNotClaimedByOther(tx: WriteTx, task: TaskRow): Promise<void> {
    if (tx.caller.type !== 'agent' || !activeClaim(task, new Date()) || task.claimedBy === tx.caller.id) return;
    const holder = await this.agents.find(tx.em, task.claimedBy!);
    throw new AppError(
      ErrorCode.Claimed,
      `Task is claimed by agent ${holder?.name ?? task.claimedBy} until ${task.claimExpiresAt!.toISOString()}`,
      {
        details: {
          claimedBy: task.claimedBy,
          claimedByName: holder?.name ?? null,
          claimExpiresAt: task.claimExpiresAt!.toISOString(),
        },
        current: await this.one(tx.em, task),
      },
    );
  }

  private async assertVersion(tx: WriteTx, task: TaskRow, expected: number | null): Promise<void> {
    if (expected !== null && expected !== task.version)
      throw AppError.versionConflict('task', await this.one(tx.em, task));
  }

  /**
   * Assignees must exist: a 400 names the bad one instead of a foreign-key failure. An agent must also be able
   * to work on the task: assigned to its workflow and not revoked (least privilege: no work for an outsider).
   */
  private async assertAssignees(em: EntityManager, patch: TaskPatch, workflowId: string): Promise<void> {
    const agentId = patch.agentId?.toLowerCase();
    const agent = agentId ? await this.agents.find(em, agentId) : null;
    if (agentId && !agent) throw AppError.badRequest('agentId is not a registered agent', { agentId: patch.agentId });
    if (agent?.revokedAt) throw AppError.badRequest('agentId is a revoked agent', { agentId: patch.agentId });
    if (agent && !(await this.access.isAssigned(em, agent.id, workflowId)))
      throw AppError.badRequest("agentId is not assigned to the task's workflow", { agentId: patch.agentId });
    if (patch.assigneeUserId && !(await this.users.find(em, patch.assigneeUserId.toLowerCase())))
      throw AppError.badRequest('assigneeUserId is not a user', { assigneeUserId: patch.assigneeUserId });
  }

  async createInTx(
    tx: WriteTx,
    workflowId: string,
    dto: CreateTaskRequest,
    auditContext: Record<string, unknown> = {},
  ): Promise<TaskWrite> {
    const workflow = await this.workflows.find(tx.em, workflowId);
    if (!workflow) throw AppError.notFound('workflow', workflowId);
    await this.access.assertCanAct(tx.em, tx.caller, tx.meta, workflowId);
    if (workflow.archivedAt) throw new AppError(ErrorCode.Conflict, 'The workflow is archived');
    await this.assertAssignees(tx.em, dto, workflowId);
    const status = dto.status ?? 'pending';
    const { wipLimits } = (await this.workflows.lockBoard(tx.em, workflowId))!;
    const warnings = await checkWipLimit(tx.em, workflowId, wipLimits, status);
    const slot = await findSlot(tx.em, workflowId, { status }, null);
    const task = tx.em.create(TaskEntity, {
      workflow: workflowId,
      title: dto.title,
      description: dto.description ?? '',
      rank: rankIn(slot),
      priority: dto.priority ?? 'medium',
      dueDate: dto.dueDate ? new Date(dto.dueDate) : null,
      agent: dto.agentId?.toLowerCase() ?? null,
      assigneeUser: dto.assigneeUserId?.toLowerCase() ?? null,
      labels: dto.labels ?? [],
      createdBy: tx.caller.id,
      updatedBy: tx.caller.id,
    });
    Object.assign(task, statusFields(task, status, new Date()));
    await tx.em.flush();
    const created = await this.one(tx.em, task);
    tx.record({
      action: 'task.created',
      entityType: 'task',
      entityId: task.id,
      workflowId,
      changes: creationChanges(created, CREATED_FIELDS),
      context: withWarnings(auditContext, warnings),
      data: created,
    });
    return { task: created, warnings };
  }

  /** Edits fields; `expectedVersion` null skips the version check (an approval checks its own). */
  async updateInTx(
    tx: WriteTx,
    taskId: string,
    patch: TaskPatch,
    expectedVersion: number | null,
    auditContext: Record<string, unknown> = {},
  ): Promise<Task> {
    const task = await this.lockForWrite(tx, taskId);
    await this.assertNotClaimedByOther(tx, task);
    await this.assertVersion(tx, task, expectedVersion);
    await this.assertAssignees(tx.em, patch, task.workflow);
    const fields = taskFieldsOf(patch);
    const after = { ...task };
    applyPatch(after, fields);
    const changes = taskChanges(toTask(task, 0), toTask(after, 0));
    if (Object.keys(changes).length === 0) return this.one(tx.em, task);
    await this.save(tx, task, { ...fields, updatedBy: tx.caller.id });
    const updated = await this.one(tx.em, task);
    tx.record({
      action: 'task.updated',
      entityType: 'task',
      entityId: task.id,
      workflowId: task.workflow,
      changes,
      context: auditContext,
      data: updated,
    });
    return updated;
  }

  /** Moves to a column between neighbours (see MoveTaskDto). The same place is a success with no audit entry. */
  async moveInTx(
    tx: WriteTx,
    taskId: string,
    placement: TaskPlacement,
    expectedVersion: number | null,
    auditContext: Record<string, unknown> = {},
  ): Promise<TaskWrite> {
    const task = await this.lockForWrite(tx, taskId);
    await this.assertNotClaimedByOther(tx, task);
    await this.assertVersion(tx, task, expectedVersion);
    const { wipLimits } = (await this.workflows.lockBoard(tx.em, task.workflow))!;
    const slot = await findSlot(tx.em, task.workflow, placement, task.id);
    if (placement.status === task.status && fitsSlot(task.rank, slot))
      return { task: await this.one(tx.em, task), warnings: [] };
    const warnings =
      placement.status === task.status ? [] : await checkWipLimit(tx.em, task.workflow, wipLimits, placement.status);
    const before = toTask(task, 0);
    await this.save(tx, task, {
      rank: rankIn(slot),
      ...statusFields(task, placement.status, new Date()),
      updatedBy: tx.caller.id,
    });
    const moved = await this.one(tx.em, task);
    tx.record({
      action: 'task.moved',
      entityType: 'task',
      entityId: task.id,
      workflowId: task.workflow,
      changes: taskChanges(before, moved),
      context: withWarnings(
        { ...auditContext, beforeId: placement.beforeId ?? null, afterId: placement.afterId ?? null },
        warnings,
      ),
      data: moved,
    });
    return { task: moved, warnings };
  }

  /** Soft delete: the row stays as a tombstone for suggestions, comments and the audit trail. */
  async removeInTx(tx: WriteTx, taskId: string, expectedVersion: number | null): Promise<Task> {
    const task = await this.lockForWrite(tx, taskId);
    await this.assertNotClaimedByOther(tx, task);
    await this.assertVersion(tx, task, expectedVersion);
    const deletedAt = new Date();
    await this.save(tx, task, { deletedAt, updatedBy: tx.caller.id });
    const deleted = await this.one(tx.em, task);
    tx.record({
      action: 'task.deleted',
      entityType: 'task',
      entityId: task.id,
      workflowId: task.workflow,
      changes: { deletedAt: [null, deletedAt.toISOString()] },
      data: deleted,
    });
    return deleted;
  }

  create(caller: Caller, meta: RequestMeta, workflowId: string, dto: CreateTaskRequest): Promise<TaskWrite> {
    return this.writes.run(caller, meta, (tx) => this.createInTx(tx, workflowId, dto));
  }

  update(caller: Caller, meta: RequestMeta, id: string, dto: UpdateTaskRequest): Promise<Task> {
    const { version, ...patch } = dto;
    return this.writes.run(caller, meta, (tx) => this.updateInTx(tx, id, patch, version ?? null));
  }

  move(caller: Caller, meta: RequestMeta, id: string, dto: TaskPlacement & { version: number }): Promise<TaskWrite> {
    const { version, ...placement } = dto;
    return this.writes.run(caller, meta, (tx) => this.moveInTx(tx, id, placement, version));
  }

  remove(caller: Caller, meta: RequestMeta, id: string, version: number | null): Promise<Task> {
    return this.writes.run(caller, meta, (tx) => this.removeInTx(tx, id, version));
  }
}
