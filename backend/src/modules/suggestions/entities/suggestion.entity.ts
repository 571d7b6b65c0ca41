import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import {
  SUGGESTION_KINDS,
  SUGGESTION_STATUSES,
  type Approval,
  type Reviewers,
  type SuggestionKind,
  type SuggestionRevision,
  type SuggestionStatus,
} from '@tandem/shared';
import { BaseEntity } from '../../../common/base.entity';
import { AgentEntity } from '../../agents/entities/agent.entity';
import { TaskEntity } from '../../tasks/entities/task.entity';
import { WorkflowEntity } from '../../workflows/entities/workflow.entity';

@Entity({ tableName: 'suggestions' })
@Unique({ properties: ['agent', 'idempotencyKey'] })
@Index({ properties: ['status', 'createdAt'] })
export class SuggestionEntity extends BaseEntity {
  @ManyToOne({ entity: () => TaskEntity, mapToPk: true, nullable: true })
  task: string | null = null;

  @ManyToOne({ entity: () => WorkflowEntity, mapToPk: true })
  workflow!: string;

  @ManyToOne({ entity: () => AgentEntity, mapToPk: true })
  agent!: string;

  @Enum({ items: () => SUGGESTION_KINDS })
  kind!: SuggestionKind;

  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'text' })
  reasoning: Opt<string> = '';

  @Property({ type: 'json' })
  payload: Opt<Record<string, unknown>> = {};

  @Property({ type: 'double' })
  confidence!: number;

  @Enum({ items: () => SUGGESTION_STATUSES })
  status: Opt<SuggestionStatus> = 'pending';

  @Property({ type: 'integer' })
  revision: Opt<number> = 1;

  @Property({ type: 'json' })
  revisions: Opt<SuggestionRevision[]> = [];

  @Property({ type: 'integer', nullable: true })
  taskVersion: number | null = null;

  @Property({ type: 'string' })
  idempotencyKey!: string;

  @Property({ type: 'boolean' })
  edited: Opt<boolean> = false;

  @Property({ type: 'json' })
  approvals: Opt<Approval[]> = [];

  @Property({ type: 'uuid', nullable: true })
  decidedBy: string | null = null;

  @Property({ type: 'string', nullable: true })
  decidedByName: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  decidedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  decisionNote: string | null = null;

  /** A human's text answer to a question or an interrupt (`respond`). */
  @Property({ type: 'text', nullable: true })
  response: string | null = null;

  /** request_changes was the last word: waiting for the agent's next revision. */
  @Property({ type: 'boolean' })
  changesRequested: Opt<boolean> = false;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'boolean' })
  escalated: Opt<boolean> = false;

  /** Who it is routed to (its own reviewers, else the policy's when it was posted); null: any approver. */
  @Property({ type: 'json', nullable: true })
  reviewers: Reviewers | null = null;
}
