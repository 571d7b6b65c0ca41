import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Property, Unique } from '@mikro-orm/decorators/legacy';
import { AGENT_STATUSES, type AgentStatus } from '@tandem/shared';
import { BaseEntity } from '../../../common/base.entity';

@Entity({ tableName: 'agents' })
export class AgentEntity extends BaseEntity {
  @Property({ type: 'string' })
  name!: string;

  @Property({ type: 'text' })
  description: Opt<string> = '';

  @Property({ type: 'json' })
  capabilities: Opt<string[]> = [];

  /** sha256 of the current API key; null once revoked. */
  @Property({ type: 'string', nullable: true, hidden: true })
  @Unique()
  apiKeyHash!: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  /** Last status seen from live connections (the live value comes from presence). */
  @Enum({ items: () => AGENT_STATUSES })
  status: Opt<AgentStatus> = 'offline';

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastSeen: Date | null = null;
}
