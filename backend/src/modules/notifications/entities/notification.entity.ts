import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { NOTIFICATION_TYPES, type NotificationData, type NotificationType } from '@tandem/shared';
import { v7 as uuidv7 } from 'uuid';
import { UserEntity } from '../../users/entities/user.entity';

/** How a notification is to be mailed: at once (mentions) or in the user's next digest (suggestions). */
export type EmailMode = 'now' | 'digest';

/**
 * One row of a person's inbox, and of the email outbox: written in the transaction of the change that caused it,
 * so a rolled-back change notifies nobody and a crash loses no email. Not versioned: only its owner marks it read.
 */
@Entity({ tableName: 'notifications' })
export class NotificationEntity {
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = uuidv7();

  @ManyToOne({ entity: () => UserEntity, mapToPk: true, deleteRule: 'cascade' })
  user!: string;

  @Enum({ items: () => NOTIFICATION_TYPES })
  type!: NotificationType;

  @Property({ type: 'json' })
  data!: NotificationData;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  readAt: Date | null = null;

  @Property({ type: 'string', nullable: true })
  email: EmailMode | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  emailedAt: Date | null = null;
}
