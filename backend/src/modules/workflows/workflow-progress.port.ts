import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { WorkflowProgress } from '@tandem/shared';
import { Port } from '../../common/port';

/** Progress per workflow comes from the tasks module (which owns the table); it plugs itself in here. */
export interface WorkflowProgressCounter {
  progressByWorkflow(em: EntityManager, workflowIds: string[]): Promise<Map<string, WorkflowProgress>>;
}

@Injectable()
export class WorkflowProgressPort extends Port<WorkflowProgressCounter> {}
