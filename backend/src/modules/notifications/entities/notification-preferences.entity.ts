import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A person's notification settings (keyed by the user's id); no row means the defaults (email on). */
@Entity({ tableName: 'notification_preferences' })
export class NotificationPreferencesEntity {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'boolean' })
  email: Opt<boolean> = true;

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
