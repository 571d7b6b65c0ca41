import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller, RequestMeta } from '../../common/caller';
import { AuditService } from '../../core/audit.service';
import { WorkflowAgentEntity } from './entities/workflow-agent.entity';

/** Agents act only on the workflows assigned to them (DESIGN 2); refusals are audited. */
@Injectable()
export class WorkflowAccess {
  constructor(private readonly audit: AuditService) {}

  async isAssigned(em: EntityManager, agentId: string, workflowId: string): Promise<boolean> {
    return (await em.count(WorkflowAgentEntity, { agent: agentId, workflow: workflowId })) > 0;
  }

  async assignedWorkflowIds(em: EntityManager, agentId: string): Promise<string[]> {
    const rows = await em.find(WorkflowAgentEntity, { agent: agentId });
    return rows.map((row) => row.workflow);
  }

  /** Throws 403 (and audits it) when an agent asks about a workflow it is not assigned to. Humans pass. */
  async assertCanAct(em: EntityManager, caller: Caller, meta: RequestMeta, workflowId: string): Promise<void> {
    if (caller.type !== 'agent' || (await this.isAssigned(em, caller.id, workflowId))) return;
    throw this.audit.refusal(
      caller,
      meta,
      'agent is not assigned to this workflow',
      { entityType: 'workflow', entityId: workflowId, workflowId },
      'This agent is not assigned to the workflow',
    );
  }
}
