import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../../common/base.entity';
import { TaskEntity } from '../../tasks/entities/task.entity';
import { WorkflowEntity } from '../../workflows/entities/workflow.entity';

@Entity({ tableName: 'comments' })
@Index({ properties: ['task', 'createdAt'] })
export class CommentEntity extends BaseEntity {
  @ManyToOne({ entity: () => TaskEntity, mapToPk: true })
  task!: string;

  @ManyToOne({ entity: () => WorkflowEntity, mapToPk: true })
  workflow!: string;

  @Enum({ items: () => ['human', 'agent'] as const })
  authorType!: 'human' | 'agent';

  @Property({ type: 'uuid' })
  authorId!: string;

  @Property({ type: 'string' })
  authorName!: string;

  @Property({ type: 'text' })
  body!: string;

  @ManyToOne({ entity: () => CommentEntity, mapToPk: true, nullable: true })
  parent: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  editedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;
}
