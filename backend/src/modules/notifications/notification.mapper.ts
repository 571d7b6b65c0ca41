import type { Notification } from '@tandem/shared';
import type { NotificationEntity } from './entities/notification.entity';

export function toNotification(row: NotificationEntity): Notification {
  return { id: row.id, type: row.type, at: row.createdAt.toISOString(), read: row.readAt !== null, data: row.data };
}
