import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PendingSuggestionsPort, type PendingSuggestionCounter } from '../tasks/pending-suggestions.port';

/** Pending suggestions per task, for the board and task payloads (the tasks module asks through its port). */
@Injectable()
export class SuggestionCounts implements PendingSuggestionCounter, OnModuleInit {
  constructor(private readonly port: PendingSuggestionsPort) {}

  onModuleInit(): void {
    this.port.plug(this);
  }

  async pendingByTask(
    em: EntityManager,
    where: { taskIds: string[] } | { workflowId: string },
  ): Promise<Map<string, number>> {
    const [filter, param] =
      'taskIds' in where ? ['task_id in (?)', where.taskIds] : ['workflow_id = ?', where.workflowId];
    if (Array.isArray(param) && param.length === 0) return new Map();
    const rows = await em.execute<{ task_id: string; pending: string }[]>(
      `select task_id, count(*) as pending from suggestions where status = 'pending' and ${filter} group by task_id`,
      [param],
    );
    return new Map(rows.map((row) => [row.task_id, Number(row.pending)]));
  }
}
