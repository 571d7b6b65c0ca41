import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import {
  mentionHandle,
  type MentionCandidate,
  type Notification,
  type NotificationPreferences,
  type Page,
  type UnreadCount,
} from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import type { Caller, RequestMeta } from '../../common/caller';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/paging';
import { AuditService } from '../../core/audit.service';
import { WritePath } from '../../core/write-path.service';
import { UsersService } from '../users/users.service';
import type { ListNotificationsQueryDto, UpdatePreferencesDto } from './dto/notification.dto';
import { NotificationPreferencesEntity } from './entities/notification-preferences.entity';
import { NotificationEntity } from './entities/notification.entity';
import { toNotification } from './notification.mapper';

const MAX_CANDIDATES = 8;

type Human = Extract<Caller, { type: 'human' }>;

/**
 * A person's own inbox. Every method is scoped to the caller: nobody reads or marks another's notifications.
 * Marking read is personal state, not a change to shared work, so it is not audited; preference changes are.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  /** Newest first; `nextCursor` is the last id of the page. */
  async list(caller: Caller, query: ListNotificationsQueryDto): Promise<Page<Notification>> {
    const user = human(caller);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const where: Record<string, unknown> = { user: user.id };
    if (query.unread === 'true') where.readAt = null;
    if (query.cursor) where.id = { $lt: query.cursor };
    const rows = await this.orm.em
      .fork()
      .find(NotificationEntity, where, { orderBy: { id: 'desc' }, limit: limit + 1 });
    return toPage(rows.map(toNotification), limit, (row) => row.id);
  }

  async unreadCount(caller: Caller): Promise<UnreadCount> {
    const count = await this.orm.em.fork().count(NotificationEntity, { user: human(caller).id, readAt: null });
    return { count };
  }

  async markRead(caller: Caller, meta: RequestMeta, id: string): Promise<Notification> {
    const user = human(caller);
    const em = this.orm.em.fork();
    const row = await em.findOne(NotificationEntity, { id });
    if (!row) throw AppError.notFound('notification', id);
    if (row.user !== user.id) {
      await this.audit.recordDenied(caller, meta, 'a notification can be read only by the person it is for', {
        entityType: 'user',
        entityId: row.user,
      });
      // Someone else's notification does not exist as far as the caller is concerned.
      throw AppError.notFound('notification', id);
    }
    if (!row.readAt) {
      await em.nativeUpdate(NotificationEntity, { id, readAt: null }, { readAt: new Date() });
      await em.refresh(row);
    }
    return toNotification(row);
  }

  /** Answers how many were unread and are now read. */
  async markAllRead(caller: Caller): Promise<{ updated: number }> {
    const updated = await this.orm.em
      .fork()
      .nativeUpdate(NotificationEntity, { user: human(caller).id, readAt: null }, { readAt: new Date() });
    return { updated };
  }

  async preferences(caller: Caller): Promise<NotificationPreferences> {
    const row = await this.orm.em.fork().findOne(NotificationPreferencesEntity, { userId: human(caller).id });
    return { email: row?.email ?? true };
  }

  async updatePreferences(
    caller: Caller,
    meta: RequestMeta,
    dto: UpdatePreferencesDto,
  ): Promise<NotificationPreferences> {
    const user = human(caller);
    return this.writes.run(caller, meta, async (tx) => {
      const row =
        (await tx.em.findOne(NotificationPreferencesEntity, { userId: user.id })) ??
        tx.em.create(NotificationPreferencesEntity, { userId: user.id });
      const before = row.email;
      row.email = dto.email;
      if (before !== dto.email) {
        tx.record({
          action: 'user.preferences_updated',
          entityType: 'user',
          entityId: user.id,
          changes: { emailNotifications: [before, dto.email] },
        });
      }
      return { email: row.email };
    });
  }

  /** People to complete `@…` with: enabled users whose name or handle starts with (or whose name contains) `q`. */
  async mentionCandidates(query: string | undefined): Promise<{ items: MentionCandidate[] }> {
    const q = (query ?? '').trim().toLowerCase();
    const like = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    const users = await this.users.query(
      this.orm.em.fork(),
      q ? { disabled: false, $or: [{ name: { $ilike: like } }, { email: { $ilike: like } }] } : { disabled: false },
      { orderBy: { name: 'asc' }, limit: 50 },
    );
    const items = users
      .map((user) => ({ id: user.id, name: user.name, handle: mentionHandle(user.email) }))
      .filter((user) => !q || user.name.toLowerCase().includes(q) || user.handle.startsWith(q))
      .sort((a, b) => rank(a, q) - rank(b, q) || a.name.localeCompare(b.name))
      .slice(0, MAX_CANDIDATES);
    return { items };
  }
}

/** Names or handles that start with what was typed come first. */
function rank(candidate: MentionCandidate, q: string): number {
  const name = candidate.name.toLowerCase();
  if (name.startsWith(q) || candidate.handle.startsWith(q)) return 0;
  return name.split(/\s+/).some((word) => word.startsWith(q)) ? 1 : 2;
}

function human(caller: Caller): Human {
  if (caller.type !== 'human') throw new AppError(ErrorCode.Forbidden, 'Notifications are for people');
  return caller;
}
