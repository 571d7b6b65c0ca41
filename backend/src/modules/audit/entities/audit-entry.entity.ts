import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { ActorType, AuditAction, AuditOutcome, Changes, EntityType } from '@tandem/shared';

/**
 * The append-only audit log (DESIGN 6). Rows are only ever inserted by AuditService under an advisory lock;
 * the database refuses UPDATE, DELETE and TRUNCATE (see the migration).
 */
@Entity({ tableName: 'audit_log' })
@Index({ properties: ['at'] })
@Index({ properties: ['workflowId', 'seq'] })
@Index({ properties: ['entityType', 'entityId', 'seq'] })
@Index({ properties: ['actorType', 'actorId', 'seq'] })
@Index({ properties: ['action', 'seq'] })
@Index({ properties: ['entityType', 'seq'] })
export class AuditEntryEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: false })
  seq!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;

  @Property({ type: 'string' })
  actorType!: ActorType;

  @Property({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Property({ type: 'string' })
  actorName!: string;

  @Property({ type: 'string', nullable: true })
  onBehalfOf!: string | null;

  @Property({ type: 'string' })
  action!: AuditAction;

  @Property({ type: 'string' })
  outcome!: AuditOutcome;

  @Property({ type: 'string' })
  entityType!: EntityType;

  @Property({ type: 'uuid', nullable: true })
  entityId!: string | null;

  @Property({ type: 'uuid', nullable: true })
  workflowId!: string | null;

  @Property({ type: 'json' })
  changes!: Changes;

  @Property({ type: 'json' })
  context!: Record<string, unknown>;

  /** The entity after the change: the `data` of the real-time event, so replay from the log is exact. */
  @Property({ type: 'json', nullable: true })
  data!: unknown;

  @Property({ type: 'string', nullable: true })
  requestId!: string | null;

  @Property({ type: 'string', nullable: true })
  ip!: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent!: string | null;

  @Property({ type: 'string' })
  prevHash!: string;

  @Property({ type: 'string' })
  hash!: string;
}
