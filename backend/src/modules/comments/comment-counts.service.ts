import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CommentCountsPort, type CommentCounter } from '../tasks/comment-counts.port';

/** Comments per task, for the board's cards and task payloads (the tasks module asks through its port). */
@Injectable()
export class CommentCounts implements CommentCounter, OnModuleInit {
  constructor(private readonly port: CommentCountsPort) {}

  onModuleInit(): void {
    this.port.plug(this);
  }

  async commentsByTask(
    em: EntityManager,
    where: { taskIds: string[] } | { workflowId: string },
  ): Promise<Map<string, number>> {
    const [filter, param] =
      'taskIds' in where ? ['task_id in (?)', where.taskIds] : ['workflow_id = ?', where.workflowId];
    if (Array.isArray(param) && param.length === 0) return new Map();
    const rows = await em.execute<{ task_id: string; n: string }[]>(
      `select task_id, count(*) as n from comments where deleted_at is null and ${filter} group by task_id`,
      [param],
    );
    return new Map(rows.map((row) => [row.task_id, Number(row.n)]));
  }
}
