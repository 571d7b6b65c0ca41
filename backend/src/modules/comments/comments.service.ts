import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Changes, Comment, CommentAuthor, CreateCommentRequest, Page, UpdateCommentRequest } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import type { Caller, RequestMeta } from '../../common/caller';
import { AuditService } from '../../core/audit.service';
import { WritePath, type WriteTx } from '../../core/write-path.service';
import { TaskEntity } from '../tasks/entities/task.entity';
import { WorkflowAccess } from '../workflows/workflow-access.service';
import { CommentEntity } from './entities/comment.entity';

export function toComment(comment: CommentEntity): Comment {
  return {
    id: comment.id,
    taskId: comment.task,
    workflowId: comment.workflow,
    author: { type: comment.authorType, id: comment.authorId, name: comment.authorName },
    body: comment.body,
    parentId: comment.parent,
    editedAt: comment.editedAt?.toISOString() ?? null,
    deletedAt: comment.deletedAt?.toISOString() ?? null,
    createdAt: comment.createdAt.toISOString(),
    version: comment.version,
  };
}

/** Comment threads on tasks: flat, oldest first, each reply naming its parent; deletes leave a tombstone. */
@Injectable()
export class CommentsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly access: WorkflowAccess,
    private readonly audit: AuditService,
  ) {}

  async list(caller: Caller, meta: RequestMeta, taskId: string): Promise<Page<Comment>> {
    const em = this.orm.em.fork();
    const task = await em.findOne(TaskEntity, { id: taskId, deletedAt: null });
    if (!task) throw AppError.notFound('task', taskId);
    await this.access.assertCanAct(em, caller, meta, task.workflow);
    const rows = await em.find(CommentEntity, { task: taskId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return { items: rows.map(toComment), nextCursor: null };
  }

  /** Adds a comment by `author` inside the caller's transaction (an approved `comment` suggestion uses it too). */
  async addInTx(
    tx: WriteTx,
    taskId: string,
    input: CreateCommentRequest,
    author: CommentAuthor,
    auditContext: Record<string, unknown> = {},
  ): Promise<Comment> {
    const task = await tx.em.findOne(TaskEntity, { id: taskId, deletedAt: null });
    if (!task) throw AppError.notFound('task', taskId);
    await this.access.assertCanAct(tx.em, tx.caller, tx.meta, task.workflow);
    const parentId = input.parentId?.toLowerCase() ?? null;
    if (parentId && !(await tx.em.count(CommentEntity, { id: parentId, task: taskId })))
      throw AppError.badRequest('parentId must be a comment on the same task', { parentId });
    const comment = tx.em.create(CommentEntity, {
      task: taskId,
      workflow: task.workflow,
      authorType: author.type,
      authorId: author.id,
      authorName: author.name,
      body: input.body,
      parent: parentId,
    });
    await tx.em.flush();
    const added = toComment(comment);
    tx.record({
      action: 'comment.added',
      entityType: 'comment',
      entityId: comment.id,
      workflowId: task.workflow,
      changes: { body: [null, added.body], parentId: [null, added.parentId] },
      context: { taskId, ...auditContext },
      data: added,
    });
    return added;
  }

  add(caller: Caller, meta: RequestMeta, taskId: string, input: CreateCommentRequest): Promise<Comment> {
    if (caller.type === 'system') throw new AppError(ErrorCode.Forbidden, 'Comments need a human or agent author');
    const author: CommentAuthor = { type: caller.type, id: caller.id, name: caller.name };
    return this.writes.run(caller, meta, (tx) => this.addInTx(tx, taskId, input, author));
  }

  /** Locks a live comment the caller wrote; anyone else gets 403 (audited). */
  /** Flushes an edit or a tombstone and queues its audit entry. */
  private async recorded(
    tx: WriteTx,
    comment: CommentEntity,
    action: 'comment.edited' | 'comment.deleted',
    changes: Changes,
  ): Promise<Comment> {
    await tx.em.flush();
    const data = toComment(comment);
    tx.record({
      action,
      entityType: 'comment',
      entityId: comment.id,
      workflowId: comment.workflow,
      changes,
      context: { taskId: comment.task },
      data,
    });
    return data;
  }

  private async lockOwn(tx: WriteTx, id: string): Promise<CommentEntity> {
    const comment = await tx.lock(CommentEntity, id, 'comment');
    await this.access.assertCanAct(tx.em, tx.caller, tx.meta, comment.workflow);
    if (comment.authorType !== tx.caller.type || comment.authorId !== tx.caller.id) {
      throw this.audit.refusal(
        tx.caller,
        tx.meta,
        'only the author may change a comment',
        { entityType: 'comment', entityId: id, workflowId: comment.workflow },
        'Only the author may change this comment',
      );
    }
    return comment;
  }

  edit(caller: Caller, meta: RequestMeta, id: string, input: UpdateCommentRequest): Promise<Comment> {
    return this.writes.run(caller, meta, async (tx) => {
      const comment = await this.lockOwn(tx, id);
      if (input.version !== undefined && input.version !== comment.version)
        throw AppError.versionConflict('comment', toComment(comment));
      if (comment.deletedAt)
        throw new AppError(ErrorCode.Conflict, 'The comment was deleted', { current: toComment(comment) });
      if (comment.body === input.body) return toComment(comment);
      const before = comment.body;
      comment.body = input.body;
      comment.editedAt = new Date();
      return this.recorded(tx, comment, 'comment.edited', { body: [before, comment.body] });
    });
  }

  /** Tombstones: the body is emptied and `deletedAt` set; replies keep their parent. Deleting twice is a no-op. */
  remove(caller: Caller, meta: RequestMeta, id: string): Promise<Comment> {
    return this.writes.run(caller, meta, async (tx) => {
      const comment = await this.lockOwn(tx, id);
      if (comment.deletedAt) return toComment(comment);
      const before = comment.body;
      comment.body = '';
      comment.deletedAt = new Date();
      return this.recorded(tx, comment, 'comment.deleted', {
        body: [before, ''],
        deletedAt: [null, comment.deletedAt.toISOString()],
      });
    });
  }
}
