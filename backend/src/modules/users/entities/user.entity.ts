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

  /** Two-factor (TOTP) secret, base32; set once enrolment was confirmed with a code. */
  @Property({ type: 'string', nullable: true, hidden: true })
  mfaSecret: string | null = null;

  /** A secret handed out by `mfa/setup` and not yet confirmed. */
  @Property({ type: 'string', nullable: true, hidden: true })
  mfaPendingSecret: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  mfaEnabledAt: Date | null = null;

  /** sha256 of the unused recovery codes; each is removed when spent. */
  @Property({ type: 'json', hidden: true })
  mfaRecoveryHashes: Opt<string[]> = [];

  /** The last TOTP time step accepted, so a code cannot be replayed inside its window (RFC 6238 5.2). */
  @Property({ type: 'integer', nullable: true, hidden: true })
  mfaLastStep: number | null = null;
}
