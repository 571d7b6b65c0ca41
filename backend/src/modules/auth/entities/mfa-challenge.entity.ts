import type { Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';

/**
 * The second step of a two-factor sign-in: issued when the password was right, spent by `POST /api/auth/mfa`.
 * Kept in the database so the two steps may land on different nodes. Only the token's hash is stored.
 */
@Entity({ tableName: 'mfa_challenges' })
export class MfaChallengeEntity {
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = uuidv7();

  @Property({ type: 'string' })
  @Unique()
  tokenHash!: string;

  @Property({ type: 'uuid' })
  @Index()
  userId!: string;

  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;
}
