import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Property, Unique } from '@mikro-orm/decorators/legacy';
import { ROLES, type Role } from '@tandem/shared';
import { BaseEntity } from '../../../common/base.entity';

@Entity({ tableName: 'users' })
export class UserEntity extends BaseEntity {
  /** Stored lower-cased, so the unique index makes email case-insensitive. */
  @Property({ type: 'string' })
  @Unique()
  email!: string;

  @Property({ type: 'string' })
  name!: string;

  @Property({ type: 'string', hidden: true })
  passwordHash!: string;

  @Enum({ items: () => ROLES })
  role: Opt<Role> = 'viewer';

  @Property({ type: 'boolean' })
  disabled: Opt<boolean> = false;
}
