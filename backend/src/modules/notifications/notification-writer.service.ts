import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  mentionedHandles,
  type AuditAction,
  type AuditEntry,
  type Comment,
  type NotificationData,
  type NotificationType,
  type Reviewers,
  type Suggestion,
  type SuggestionNoticeData,
} from '@tandem/shared';
import { v7 as uuidv7 } from 'uuid';
import { AuditService } from '../../core/audit.service';
import { EventBus, type UserNotice } from '../../core/event-bus';
import { TasksService } from '../tasks/tasks.service';
import type { TaskRow } from '../tasks/task-rows';
import { UsersService } from '../users/users.service';
import { WorkflowsService } from '../workflows/workflows.service';
import { NotificationEntity, type EmailMode } from './entities/notification.entity';
import { NotificationMailer } from './notification-mailer.service';
import { toNotification } from './notification.mapper';

interface Draft {
  userIds: string[];
  type: NotificationType;
  data: NotificationData;
}

/** Mentions are mailed at once, routed and escalated suggestions in the user's digest, decisions not at all. */
const EMAIL_MODE: Record<NotificationType, EmailMode | null> = {
  mention: 'now',
  'suggestion.routed': 'digest',
  'suggestion.escalated': 'digest',
  'suggestion.decided': null,
};

const DECISION_ACTIONS: ReadonlySet<AuditAction> = new Set<AuditAction>([
  'suggestion.approved',
  'suggestion.rejected',
  'suggestion.changes_requested',
  'suggestion.expired',
]);

const EXCERPT_LENGTH = 200;

/**
 * Turns audit entries into notifications inside the transaction that appends them (an append hook): a
 * rolled-back change notifies nobody, and a committed one always has its notifications. Once the entries are
 * published as committed, their notifications go live to their users' sockets and immediate emails go out.
 */
@Injectable()
export class NotificationWriter implements OnModuleInit, OnModuleDestroy {
  /** Notices waiting for their entry's commit; an entry that never commits is never published, and is collected. */
  private readonly waiting = new WeakMap<AuditEntry, UserNotice[]>();
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly audit: AuditService,
    private readonly bus: EventBus,
    private readonly mailer: NotificationMailer,
    private readonly tasks: TasksService,
    private readonly users: UsersService,
    private readonly workflows: WorkflowsService,
  ) {}

  onModuleInit(): void {
    this.stops.push(
      this.audit.onAppend((em, entries) => this.write(em, entries)),
      this.bus.onCommitted((committed) => this.committed(committed.map(({ entry }) => entry))),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private committed(entries: AuditEntry[]): void {
    const notices = entries.flatMap((entry) => this.waiting.get(entry) ?? []);
    if (!notices.length) return;
    this.bus.publishNotifications(notices);
    if (notices.some(({ notification }) => notification.type === 'mention')) this.mailer.kick();
  }

  /**
   * Runs under the audit chain's lock (an append hook), once for a whole batch of entries: a fixed number of
   * queries however many entries notify anyone (the decided suggestions' tasks, the recipients, one insert).
   */
  private async write(em: EntityManager, entries: AuditEntry[]): Promise<void> {
    const succeeded = entries.filter((entry) => entry.outcome === 'success' && entry.data);
    const taskIds = succeeded
      .filter((entry) => DECISION_ACTIONS.has(entry.action))
      .map((entry) => (entry.data as Suggestion).taskId)
      .filter((id): id is string => !!id);
    // One query for every decided suggestion's task.
    const decidedTasks = taskIds.length ? await this.tasks.findMany(em, taskIds) : new Map<string, TaskRow>();
    const drafted: Array<{ entry: AuditEntry; userIds: string[]; draft: Draft }> = [];
    for (const entry of succeeded) {
      const draft = await this.draftFor(em, entry, decidedTasks);
      if (!draft) continue;
      const actorId = entry.actor.type === 'human' ? entry.actor.id : null;
      drafted.push({ entry, draft, userIds: [...new Set(draft.userIds.filter((id) => id !== actorId))] });
    }
    const active = new Set(
      await this.activeUsers(
        em,
        drafted.flatMap(({ userIds }) => userIds),
      ),
    );
    const rows: NotificationEntity[] = [];
    for (const { entry, draft, userIds } of drafted) {
      const email = this.mailer.enabled ? EMAIL_MODE[draft.type] : null;
      const at = new Date(entry.at);
      const own = userIds
        .filter((id) => active.has(id))
        .map((user) =>
          Object.assign(new NotificationEntity(), {
            id: uuidv7(),
            user,
            type: draft.type,
            data: draft.data,
            createdAt: at,
            email,
          }),
        );
      if (!own.length) continue;
      rows.push(...own);
      this.waiting.set(
        entry,
        own.map((row) => ({ userId: row.user, notification: toNotification(row) })),
      );
    }
    if (rows.length) await em.insertMany(NotificationEntity, rows);
  }

  /** Who hears of an entry, and what: one rule per action that notifies anyone (the rest notify nobody). */
  private async draftFor(
    em: EntityManager,
    entry: AuditEntry,
    decidedTasks: Map<string, TaskRow>,
  ): Promise<Draft | null> {
    const { action } = entry;
    // Entries written without the entity (refusals, imports, hand-made test entries) name nobody to tell.
    if (!entry.data) return null;
    if (action === 'comment.added') return this.mention(em, entry, entry.data as Comment, '');
    if (action === 'comment.edited') {
      // Only the handles the edit added: people already mentioned were told when they were.
      const before = entry.changes.body?.[0];
      return this.mention(em, entry, entry.data as Comment, typeof before === 'string' ? before : '');
    }
    if (action === 'suggestion.created') {
      const suggestion = entry.data as Suggestion;
      const userIds = await this.reviewerIds(em, suggestion.reviewers);
      return { userIds, type: 'suggestion.routed', data: noticeData(entry, suggestion) };
    }
    if (action === 'suggestion.escalated') {
      const suggestion = entry.data as Suggestion;
      const workflow = await this.workflows.find(em, suggestion.workflowId);
      const named = workflow?.policy.escalationReviewers;
      const userIds = await this.reviewerIds(em, hasAny(named) ? named : { roles: ['admin'] });
      return { userIds, type: 'suggestion.escalated', data: noticeData(entry, suggestion) };
    }
    if (DECISION_ACTIONS.has(action)) {
      const suggestion = entry.data as Suggestion;
      if (!suggestion.taskId) return null;
      const task = decidedTasks.get(suggestion.taskId);
      const userIds = [task?.createdBy, task?.assigneeUser].filter((id): id is string => !!id);
      return { userIds, type: 'suggestion.decided', data: noticeData(entry, suggestion) };
    }
    return null;
  }

  private async mention(em: EntityManager, entry: AuditEntry, comment: Comment, before: string): Promise<Draft> {
    const known = new Set(mentionedHandles(before));
    const handles = mentionedHandles(comment.body).filter((handle) => !known.has(handle));
    // Handles are email local parts; `\` escapes LIKE's wildcards, which an email may contain.
    const like = (handle: string) => `${handle.replace(/[\\%_]/g, (char) => `\\${char}`)}@%`;
    const userIds = handles.length
      ? (
          await this.users.query(
            em,
            { $or: handles.map((handle) => ({ email: { $like: like(handle) } })) },
            { fields: ['id'] },
          )
        ).map((user) => user.id)
      : [];
    const task = userIds.length ? await this.tasks.find(em, comment.taskId) : null;
    const excerpt =
      comment.body.length > EXCERPT_LENGTH ? `${comment.body.slice(0, EXCERPT_LENGTH - 1)}…` : comment.body;
    return {
      userIds,
      type: 'mention',
      data: {
        commentId: comment.id,
        taskId: comment.taskId,
        taskTitle: task?.title ?? '',
        workflowId: comment.workflowId,
        author: entry.actor,
        excerpt,
      },
    };
  }

  /** The named users and everyone whose role is named (exactly that role). */
  private async reviewerIds(em: EntityManager, reviewers: Reviewers | null | undefined): Promise<string[]> {
    if (!hasAny(reviewers)) return [];
    const byRole = reviewers.roles?.length
      ? await this.users.query(em, { role: { $in: reviewers.roles } }, { fields: ['id'] })
      : [];
    return [...(reviewers.users ?? []), ...byRole.map((user) => user.id)];
  }

  /** Existing, enabled users among `ids`, once each. */
  private async activeUsers(em: EntityManager, ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const users = await this.users.query(em, { id: { $in: unique }, disabled: false }, { fields: ['id'] });
    return users.map((user) => user.id);
  }
}

function hasAny(reviewers: Reviewers | null | undefined): reviewers is Reviewers {
  return !!(reviewers?.users?.length || reviewers?.roles?.length);
}

function noticeData(entry: AuditEntry, suggestion: Suggestion): SuggestionNoticeData {
  return {
    suggestionId: suggestion.id,
    workflowId: suggestion.workflowId,
    taskId: suggestion.taskId,
    action: suggestion.action,
    status: suggestion.status,
    actor: entry.actor,
    decisionNote: suggestion.decisionNote,
  };
}
