import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '@tandem/shared';
import { BaseEntity } from '../../../common/base.entity';
import { AgentEntity } from '../../agents/entities/agent.entity';
import { UserEntity } from '../../users/entities/user.entity';
import { WorkflowEntity } from '../../workflows/entities/workflow.entity';

@Entity({ tableName: 'tasks' })
@Index({ properties: ['workflow', 'status', 'rank'] })
export class TaskEntity extends BaseEntity {
  @ManyToOne({ entity: () => WorkflowEntity, mapToPk: true })
  workflow!: string;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text' })
  description: Opt<string> = '';

  @Enum({ items: () => TASK_STATUSES })
  status: Opt<TaskStatus> = 'pending';

  /** Fractional-index key: order inside the column, computed by the server from the neighbours. */
  @Property({ type: 'string', collation: 'C' })
  rank!: string;

  @Enum({ items: () => TASK_PRIORITIES })
  priority: Opt<TaskPriority> = 'medium';

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  dueDate: Date | null = null;

  @ManyToOne({ entity: () => AgentEntity, mapToPk: true, nullable: true, deleteRule: 'set null' })
  agent: string | null = null;

  @ManyToOne({ entity: () => UserEntity, mapToPk: true, nullable: true, deleteRule: 'set null' })
  assigneeUser: string | null = null;

  @Property({ type: 'json' })
  labels: Opt<string[]> = [];

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'integer', nullable: true })
  durationSeconds: number | null = null;

  @Property({ type: 'uuid', nullable: true })
  claimedBy: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  claimExpiresAt: Date | null = null;

  /** Who created and who last edited the task (user or agent id), for separation of duties. */
  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  updatedBy: string | null = null;

  /** Deleted tasks stay as tombstones so suggestions and the audit trail keep pointing somewhere. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;
}
