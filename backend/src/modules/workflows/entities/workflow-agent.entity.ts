import { Entity, ManyToOne } from '@mikro-orm/decorators/legacy';
import { AgentEntity } from '../../agents/entities/agent.entity';
import { WorkflowEntity } from './workflow.entity';

/** An agent assigned to a workflow: the only workflows it may act on (DESIGN 2). */
@Entity({ tableName: 'workflow_agents' })
export class WorkflowAgentEntity {
  @ManyToOne({ entity: () => WorkflowEntity, primary: true, mapToPk: true, deleteRule: 'cascade' })
  workflow!: string;

  @ManyToOne({ entity: () => AgentEntity, primary: true, mapToPk: true, deleteRule: 'cascade' })
  agent!: string;
}
