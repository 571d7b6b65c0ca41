import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';

/** What the board shows per task from tables other modules own. */
export type TaskCountName = 'comments' | 'pendingSuggestions';

export type TaskScope = { taskIds: string[] } | { workflowId: string };

/**
 * A table with `task_id` and `workflow_id` columns, and the condition its rows count under, as the module that owns
 * it declares them (for example `{ table: 'comments', condition: 'deleted_at is null' }`).
 */
export interface TaskCountSource {
  table: string;
  condition: string;
}

/**
 * Per-task counts over other modules' tables. The owning modules plug their source in at start-up, so the tasks
 * module never imports them and a count reads 0 while its owner is absent.
 */
@Injectable()
export class TaskCountsPort {
  private readonly sources = new Map<TaskCountName, TaskCountSource>();

  plug(name: TaskCountName, source: TaskCountSource): void {
    this.sources.set(name, source);
  }

  /** Rows per task for these tasks or for every task of one workflow (tasks without rows are absent). */
  async count(em: EntityManager, name: TaskCountName, scope: TaskScope): Promise<Map<string, number>> {
    const source = this.sources.get(name);
    const [filter, param] =
      'taskIds' in scope ? ['task_id in (?)', scope.taskIds] : ['workflow_id = ?', scope.workflowId];
    if (!source || (Array.isArray(param) && param.length === 0)) return new Map();
    const rows = await em.execute<{ task_id: string; n: string }[]>(
      `select task_id, count(*) as n from ${source.table} where ${source.condition} and ${filter} group by task_id`,
      [param],
    );
    return new Map(rows.map((row) => [row.task_id, Number(row.n)]));
  }
}
