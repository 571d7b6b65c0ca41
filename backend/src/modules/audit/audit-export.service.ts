import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { IsolationLevel, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { AuditEntry, AuditExportFilter, AuditExportManifest } from '@tandem/shared';
import type { Response } from 'express';
import type { Caller, RequestMeta } from '../../common/caller';
import { auditWhere } from './audit-query.service';
import { AuditService, entryFromRow, type AuditRow } from '../../core/audit.service';
import { CSV_COLUMNS, csvEntryRow, csvRow } from './audit-csv';
import type { AuditExportDto } from './dto/audit-admin.dto';

/** Rows fetched from the server-side cursor at a time: memory stays flat whatever the export's size. */
const BATCH = 500;

export type ExportFormat = 'csv' | 'ndjson';
type Summary = Omit<AuditExportManifest, 'exportedAt'>;
type ExportProgress = { count: number; firstSeq: number | null; lastSeq: number | null };

/** Writes a chunk, waiting for the reader when the buffer is full (backpressure). False once the reader is gone. */
export async function writeChunk(out: Writable, chunk: string): Promise<boolean> {
  if (out.destroyed) return false;
  if (!out.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        out.off('error', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
      out.on('error', done);
    });
  }
  return !out.destroyed;
}

/** Drops unset keys, so a filter reads the same in the manifest, the audit context and the CLI. */
export function cleanFilter(filter: AuditExportFilter): AuditExportFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

/** Everything an export reads runs in one snapshot, so its entries, count and manifest agree. */
const SNAPSHOT = { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true } as const;

@Injectable()
export class AuditExportService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
  ) {}

  /** `GET /api/audit/export/manifest`: the manifest of the CSV export with the same filters. */
  manifest(filter: AuditExportFilter): Promise<AuditExportManifest> {
    return this.orm.em.fork().transactional(async (em) => {
      const summary = await this.summarize(em, await this.pin(em, cleanFilter(filter)));
      return { ...summary, exportedAt: new Date().toISOString() };
    }, SNAPSHOT);
  }

  /** `GET /api/audit/export`: streams the entries to the response, then audits the export (even a broken-off one). */
  async exportTo(res: Response, caller: Caller, meta: RequestMeta, dto: AuditExportDto): Promise<void> {
    const { format, ...requested } = dto;
    let filter: AuditExportFilter | null = null;
    let seen: ExportProgress = { count: 0, firstSeq: null, lastSeq: null };
    let complete = false;
    try {
      await this.orm.em.fork().transactional(async (em) => {
        filter = await this.pin(em, cleanFilter(requested));
        const summary = await this.summarize(em, filter);
        const range = summary.count ? `${summary.firstSeq}-${summary.lastSeq}` : 'empty';
        res.status(200);
        res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
        res.setHeader('Content-Disposition', `attachment; filename="tandem-audit-seq-${range}.${format}"`);
        res.setHeader('X-Audit-Count', String(summary.count));
        res.setHeader('X-Audit-To-Seq', filter.toSeq ?? '');
        complete = await this.stream(em, filter, format, res, (progress) => (seen = progress));
      }, SNAPSHOT);
    } finally {
      if (filter) {
        await this.audit.record(caller, meta, {
          action: 'audit.exported',
          entityType: 'audit',
          entityId: null,
          context: { format, filter, ...seen, complete },
        });
      }
    }
    res.end();
  }

  /**
   * Streams the filter's entries into `out` from a server-side cursor (inside `em`'s transaction), as CSV or as
   * NDJSON closed by its manifest. Answers false if the reader went away before the end.
   */
  async stream(
    em: EntityManager,
    filter: AuditExportFilter,
    format: ExportFormat,
    out: Writable,
    progress: (seen: ExportProgress) => void = () => undefined,
  ): Promise<boolean> {
    const where = auditWhere(filter);
    await em.execute(
      `declare audit_export no scroll cursor for select * from audit_log where ${where.sql} order by seq`,
      where.params,
    );
    if (format === 'csv' && !(await writeChunk(out, csvRow([...CSV_COLUMNS])))) return false;
    let first: AuditEntry | null = null;
    let last: AuditEntry | null = null;
    let count = 0;
    for (;;) {
      const rows = await em.execute<AuditRow[]>(`fetch ${BATCH} from audit_export`);
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows) {
        const entry = entryFromRow(row);
        chunk += format === 'csv' ? csvEntryRow(entry) : `${JSON.stringify(entry)}\n`;
        first ??= entry;
        last = entry;
      }
      count += rows.length;
      progress({ count, firstSeq: first?.seq ?? null, lastSeq: last?.seq ?? null });
      if (!(await writeChunk(out, chunk))) return false;
    }
    await em.execute('close audit_export');
    if (format === 'csv') return true;
    const manifest: AuditExportManifest = {
      filter,
      count,
      firstSeq: first?.seq ?? null,
      lastSeq: last?.seq ?? null,
      firstPrevHash: first?.prevHash ?? null,
      lastHash: last?.hash ?? null,
      exportedAt: new Date().toISOString(),
    };
    return writeChunk(out, `${JSON.stringify({ manifest })}\n`);
  }

  /**
   * An open-ended filter gets the current head as `toSeq`, so a later manifest request describes the same rows. The
   * head is the highest seq ever issued: an export of a log whose newest entries were deleted says so in its
   * manifest, and `tandem-audit --checkpoints` finds the signed ones missing.
   */
  async pin(em: EntityManager, filter: AuditExportFilter): Promise<AuditExportFilter> {
    if (filter.toSeq) return filter;
    const [head] = await em.execute<{ seq: string }[]>('select seq from audit_head');
    return { ...filter, toSeq: head.seq };
  }

  private async summarize(em: EntityManager, filter: AuditExportFilter): Promise<Summary> {
    const where = auditWhere(filter);
    const [stats] = await em.execute<{ count: string; first: string | null; last: string | null }[]>(
      `select count(*) as count, min(seq) as first, max(seq) as last from audit_log where ${where.sql}`,
      where.params,
    );
    const ends = await em.execute<{ seq: string; prev_hash: string; hash: string }[]>(
      'select seq, prev_hash, hash from audit_log where seq in (?, ?)',
      [stats.first ?? 0, stats.last ?? 0],
    );
    const bySeq = new Map(ends.map((row) => [row.seq, row]));
    return {
      filter,
      count: Number(stats.count),
      firstSeq: stats.first === null ? null : Number(stats.first),
      lastSeq: stats.last === null ? null : Number(stats.last),
      firstPrevHash: stats.first === null ? null : (bySeq.get(stats.first)?.prev_hash ?? null),
      lastHash: stats.last === null ? null : (bySeq.get(stats.last)?.hash ?? null),
    };
  }
}
