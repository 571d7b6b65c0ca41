import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';

/** What the board shows per task from tables other modules own. */
export type TaskCountName = 'comments' | 'pendingSuggestions';

/** Per count, rows per task (tasks without rows are absent). */
export type TaskCounts = Record<TaskCountName, Map<string, number>>;

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

  /**
   * Rows per task for these tasks or for every task of one workflow, for every count at once (one query: on a
   * write it runs inside the transaction, where each statement is a round trip). Tasks without rows are absent.
   */
  async counts(em: EntityManager, scope: TaskScope): Promise<TaskCounts> {
    const result: TaskCounts = { comments: new Map(), pendingSuggestions: new Map() };
    const [filter, param] =
      'taskIds' in scope ? ['task_id in (?)', scope.taskIds] : ['workflow_id = ?', scope.workflowId];
    if (this.sources.size === 0 || (Array.isArray(param) && param.length === 0)) return result;
    const selects = [...this.sources].map(
      ([name, source]) =>
        `select '${name}' as name, task_id, count(*) as n from ${source.table} where ${source.condition} and ${filter} group by task_id`,
    );
    const rows = await em.execute<{ name: TaskCountName; task_id: string; n: string }[]>(
      selects.join(' union all '),
      selects.map(() => param),
    );
    for (const row of rows) result[row.name].set(row.task_id, Number(row.n));
    return result;
  }

  /**
   * Every count as a column of a statement that reads the `tasks` table (`, (select count(*) …) as "comments"`),
   * so that a write reads its task and the task's counts in one round trip.
   */
  columns(): string {
    return [...this.sources]
      .map(
        ([name, source]) =>
          `, (select count(*)::int from ${source.table} where ${source.condition} and task_id = tasks.id) as "${name}"`,
      )
      .join('');
  }
}
