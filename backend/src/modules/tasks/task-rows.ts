import type { EntityManager } from '@mikro-orm/postgresql';
import type { TaskEntity } from './entities/task.entity';

/**
 * A task's fields as plain data (a `TaskEntity` is one). The write paths read and write tasks as rows by plain
 * SQL: an entity query costs about 3× the CPU of the same statement sent as SQL, and a task is read or written
 * on every move, update, claim and decision (bench/where-the-time-goes.md).
 */
export type TaskRow = { [K in keyof TaskEntity]: TaskEntity[K] };

/** Every field's column (the compiler insists on all of them). */
const COLUMNS: Record<keyof TaskRow, string> = {
  id: 'id',
  workflow: 'workflow_id',
  title: 'title',
  description: 'description',
  status: 'status',
  rank: 'rank',
  priority: 'priority',
  dueDate: 'due_date',
  agent: 'agent_id',
  assigneeUser: 'assignee_user_id',
  labels: 'labels',
  startedAt: 'started_at',
  completedAt: 'completed_at',
  durationSeconds: 'duration_seconds',
  claimedBy: 'claimed_by',
  claimExpiresAt: 'claim_expires_at',
  createdBy: 'created_by',
  updatedBy: 'updated_by',
  deletedAt: 'deleted_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  version: 'version',
};

/** The ORM's driver hands timestamps over as text; a row carries Dates like the entity. */
const DATES = new Set<string>([
  'dueDate',
  'startedAt',
  'completedAt',
  'claimExpiresAt',
  'deletedAt',
  'createdAt',
  'updatedAt',
]);

const SELECT = Object.entries(COLUMNS)
  .map(([field, column]) => `${column} as "${field}"`)
  .join(', ');

function toRow(raw: Record<string, unknown>): TaskRow {
  for (const field of DATES) if (raw[field] !== null) raw[field] = new Date(raw[field] as string);
  return raw as TaskRow;
}

/** A value as `em.execute` quotes it: JSON as text, dates as ISO 8601 (its own date format drops the zone). */
function param(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return Array.isArray(value) ? JSON.stringify(value) : value;
}

/** Tasks by id (deleted ones too unless `liveOnly`), in one query, in no particular order. */
export async function selectTasks(
  em: EntityManager,
  ids: string[],
  options: { liveOnly?: boolean } = {},
): Promise<TaskRow[]> {
  if (ids.length === 0) return [];
  const live = options.liveOnly ? ' and deleted_at is null' : '';
  const rows = await em.execute<Array<Record<string, unknown>>>(`select ${SELECT} from tasks where id in (?)${live}`, [
    ids,
  ]);
  return rows.map(toRow);
}

/**
 * A task locked for update until the transaction ends (deleted ones too), or null; `columns` adds expressions
 * over the row (`, expression as "name"`), returned beside it.
 */
export async function lockTask(
  em: EntityManager,
  id: string,
  columns = '',
): Promise<{ task: TaskRow; extra: Record<string, unknown> } | null> {
  const [raw] = await em.execute<Array<Record<string, unknown>>>(
    `select ${SELECT}${columns} from tasks where id = ? for update`,
    [id],
  );
  if (!raw) return null;
  const task: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) (key in COLUMNS ? task : extra)[key] = value;
  return { task: toRow(task), extra };
}

/**
 * Writes `fields` (undefined ones left out) to a task this transaction has locked, with the bookkeeping an entity
 * flush does (version + 1, `updatedAt` now), and applies all of it to `task`.
 */
export async function updateTask(em: EntityManager, task: TaskRow, fields: Partial<TaskRow>): Promise<void> {
  const changed = (Object.keys(fields) as Array<keyof TaskRow>).filter((field) => fields[field] !== undefined);
  const updatedAt = new Date();
  const sets = changed.map((field) => `${COLUMNS[field]} = ?`);
  const [row] = await em.execute<Array<{ version: number }>>(
    `update tasks set ${[...sets, 'updated_at = ?', 'version = version + 1'].join(', ')} where id = ? returning version`,
    [...changed.map((field) => param(fields[field])), updatedAt.toISOString(), task.id],
  );
  for (const field of changed) Object.assign(task, { [field]: fields[field] });
  Object.assign(task, { updatedAt, version: row.version });
}
