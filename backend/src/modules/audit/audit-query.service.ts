import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { AuditEntry, Page } from '@tandem/shared';
import { entryFromRow, type AuditRow } from '../../core/audit.service';
import type { AuditFilterDto, AuditQueryDto } from './dto/audit-query.dto';

/** Builds `where` clauses for the audit filters; values always go in as parameters. */
export function auditWhere(filter: AuditFilterDto): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    clauses.push(clause);
    params.push(value);
  };
  if (filter.from) add('at >= ?', filter.from);
  if (filter.to) add('at <= ?', filter.to);
  if (filter.actorType) add('actor_type = ?', filter.actorType);
  if (filter.actorId) add('actor_id = ?', filter.actorId);
  if (filter.action?.endsWith('.*')) add('action like ?', `${filter.action.slice(0, -1)}%`);
  else if (filter.action) add('action = ?', filter.action);
  if (filter.entityType) add('entity_type = ?', filter.entityType);
  if (filter.entityId) add('entity_id = ?', filter.entityId);
  if (filter.workflowId) add('workflow_id = ?', filter.workflowId);
  if (filter.outcome) add('outcome = ?', filter.outcome);
  if (filter.fromSeq) add('seq >= ?', filter.fromSeq);
  if (filter.toSeq) add('seq <= ?', filter.toSeq);
  return { sql: clauses.length ? clauses.join(' and ') : 'true', params };
}

/** One page of a search: one row more than the limit tells whether there is a next page. */
export function searchSql(query: AuditQueryDto): { sql: string; params: unknown[] } {
  const limit = query.limit ?? 100;
  const order = query.order ?? 'desc';
  const where = auditWhere(query);
  const params = [...where.params];
  let sql = where.sql;
  if (query.cursor) {
    sql += order === 'desc' ? ' and seq < ?' : ' and seq > ?';
    params.push(query.cursor);
  }
  return { sql: `select * from audit_log where ${sql} order by seq ${order} limit ${limit + 1}`, params };
}

@Injectable()
export class AuditQueryService {
  constructor(private readonly orm: MikroORM) {}

  async search(query: AuditQueryDto): Promise<Page<AuditEntry>> {
    const limit = query.limit ?? 100;
    const { sql, params } = searchSql(query);
    const rows = await this.orm.em.fork().execute<AuditRow[]>(sql, params);
    const items = rows.slice(0, limit).map(entryFromRow);
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].seq) : null };
  }
}

/** What the dashboard's "Recent activity" shows to anyone signed in: the work on boards, which every human may see. */
const ACTIVITY_SQL = `select * from audit_log
  where outcome = 'success' and workflow_id is not null
    and (action like 'task.%' or action like 'suggestion.%' or action like 'comment.%' or action like 'workflow.%')
  order by seq desc limit ?`;

@Injectable()
export class ActivityService {
  constructor(private readonly orm: MikroORM) {}

  /** The latest board activity, without who-connected-from-where (ip, user agent, request id stay admin-only). */
  async recent(limit: number): Promise<Page<AuditEntry>> {
    const rows = await this.orm.em.fork().execute<AuditRow[]>(ACTIVITY_SQL, [limit]);
    const items = rows.map((row) => ({ ...entryFromRow(row), ip: null, userAgent: null, requestId: null }));
    return { items, nextCursor: null };
  }
}
