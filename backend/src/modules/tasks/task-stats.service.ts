import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { WorkflowProgress } from '@tandem/shared';
import { AgentTaskStatsPort, type AgentTaskCounter, type AgentTaskStats } from '../agents/agent-task-stats.port';
import { WorkflowProgressPort, type WorkflowProgressCounter } from '../workflows/workflow-progress.port';

interface CountRow {
  key: string;
  total: string;
  completed: string;
  failed: string;
}

/** Counts derived from the tasks table (never typed in by clients), for agents and workflows. */
@Injectable()
export class TaskStatsService implements AgentTaskCounter, WorkflowProgressCounter, OnModuleInit {
  constructor(
    private readonly agentStats: AgentTaskStatsPort,
    private readonly workflowProgress: WorkflowProgressPort,
  ) {}

  onModuleInit(): void {
    this.agentStats.plug(this);
    this.workflowProgress.plug(this);
  }

  async countsByAgent(em: EntityManager, agentIds: string[]): Promise<Map<string, AgentTaskStats>> {
    const rows = await this.counts(em, 'agent_id', agentIds);
    return new Map(
      rows.map((row) => [
        row.key,
        { total: Number(row.total), completed: Number(row.completed), failed: Number(row.failed) },
      ]),
    );
  }

  async progressByWorkflow(em: EntityManager, workflowIds: string[]): Promise<Map<string, WorkflowProgress>> {
    const rows = await this.counts(em, 'workflow_id', workflowIds);
    return new Map(
      rows.map((row) => {
        const total = Number(row.total);
        const completed = Number(row.completed);
        return [row.key, { total, completed, failed: Number(row.failed), ratio: total ? completed / total : 0 }];
      }),
    );
  }

  private async counts(em: EntityManager, column: 'agent_id' | 'workflow_id', ids: string[]): Promise<CountRow[]> {
    if (ids.length === 0) return [];
    return em.execute<CountRow[]>(
      `select ${column} as key, count(*) as total,
              count(*) filter (where status = 'completed') as completed,
              count(*) filter (where status = 'failed') as failed
         from tasks where deleted_at is null and ${column} in (?) group by ${column}`,
      [ids],
    );
  }
}
