import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { WORKFLOW_STATUSES, type WipLimits, type WorkflowPolicy, type WorkflowStatus } from '@tandem/shared';
import { BaseEntity } from '../../../common/base.entity';
import { DEFAULT_POLICY } from '../workflow-policy';

@Entity({ tableName: 'workflows' })
export class WorkflowEntity extends BaseEntity {
  @Property({ type: 'string' })
  name!: string;

  @Property({ type: 'text' })
  description: Opt<string> = '';

  @Enum({ items: () => WORKFLOW_STATUSES })
  status: Opt<WorkflowStatus> = 'draft';

  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;

  @Property({ type: 'json' })
  policy: Opt<WorkflowPolicy> = { ...DEFAULT_POLICY };

  /** Per-column WIP limits, enforced by the tasks module on create and move. */
  @Property({ type: 'json', default: '{}' })
  wipLimits: Opt<WipLimits> = {};

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  archivedAt: Date | null = null;
}
