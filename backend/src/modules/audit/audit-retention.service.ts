import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { IsolationLevel, MikroORM } from '@mikro-orm/postgresql';
import type { AuditRetentionResult } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import type { Caller, RequestMeta } from '../../common/caller';
import { loadConfig } from '../../config';
import { MaintenanceDatabase } from '../../database/maintenance.module';
import { AuditExportService } from './audit-export.service';
import { WritePath } from '../../core/write-path.service';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Retention (EU AI Act art. 19/26): entries older than the configured floor (never under 183 days) may be removed,
 * only after they were archived as a verifiable NDJSON export, and only through `audit_log_purge()`, which checks
 * the floor again and stores the anchor (last removed seq and hash) that verification of the rest starts from.
 * The purge runs on the owner's login (the runtime login may not execute it, nor DELETE); the table's trigger lets
 * the owner delete only entries older than 183 days that an anchor covers.
 */
@Injectable()
export class AuditRetentionService {
  private readonly config = loadConfig();

  constructor(
    private readonly orm: MikroORM,
    private readonly exports: AuditExportService,
    private readonly writes: WritePath,
    private readonly maintenance: MaintenanceDatabase,
  ) {}

  async removeBefore(caller: Caller, meta: RequestMeta, before: string): Promise<AuditRetentionResult> {
    const days = this.config.auditRetentionDays;
    const oldestAllowed = new Date(Date.now() - days * DAY_MS);
    if (new Date(before) > oldestAllowed) {
      throw AppError.badRequest(`Audit entries younger than ${days} days are kept`, {
        before,
        latestAllowed: oldestAllowed.toISOString(),
      });
    }
    // The longest prefix of the chain older than `before`; the newest entry always stays (the chain's head).
    const [range] = await this.orm.em.fork().execute<{ first: string | null; upto: string | null }[]>(
      `select (select min(seq) from audit_log) as first,
              least(coalesce((select min(seq) from audit_log where at >= ?) - 1, (select max(seq) from audit_log)),
                    (select max(seq) from audit_log) - 1) as upto`,
      [before],
    );
    const first = Number(range.first ?? 0);
    const upto = Number(range.upto ?? 0);
    if (!range.first || upto < first) return { removed: 0, anchor: null, archiveFile: null };

    const archiveFile = await this.archive(first, upto);
    const owner = await this.maintenance.get();
    return this.writes.run(
      caller,
      meta,
      async (tx) => {
        const [purged] = await tx.em.execute<{ removed: string; anchor_seq: string; anchor_hash: string }[]>(
          'select * from audit_log_purge(?, ?, ?)',
          [upto, before, archiveFile],
        );
        const result: AuditRetentionResult = {
          removed: Number(purged.removed),
          anchor: { seq: Number(purged.anchor_seq), hash: purged.anchor_hash },
          archiveFile,
        };
        tx.record({
          action: 'audit.purged',
          entityType: 'audit',
          entityId: null,
          context: { before, retentionDays: days, ...result },
        });
        return result;
      },
      { orm: owner },
    );
  }

  /** Writes entries first..upto as an NDJSON export (with its manifest) into the data dir, flushed to disk. */
  private async archive(first: number, upto: number): Promise<string> {
    const folder = join(this.config.dataDir, 'audit-archive');
    await mkdir(folder, { recursive: true });
    const file = join(folder, `tandem-audit-seq-${first}-${upto}.ndjson`);
    const out = createWriteStream(file, { flags: 'wx', flush: true });
    const written = await this.orm.em
      .fork()
      .transactional((em) => this.exports.stream(em, { fromSeq: String(first), toSeq: String(upto) }, 'ndjson', out), {
        isolationLevel: IsolationLevel.REPEATABLE_READ,
        readOnly: true,
      });
    out.end();
    await finished(out);
    if (!written) throw new AppError(ErrorCode.Internal, `Could not write the audit archive ${file}`);
    return file;
  }
}
