import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { AuditVerifyResult } from '@tandem/shared';
import { ChainVerifier, GENESIS_HASH } from '@tandem/shared/audit-chain';
import { entryFromRow, type AuditRow } from '../../core/audit.service';

/** Rows read per query: verification of any range runs in constant memory. */
const BATCH = 1000;

@Injectable()
export class AuditVerifyService {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Recomputes every hash and prev link over a seq range (default: all that retention left). The range starts from
   * the previous entry's hash, the retention anchor, or the genesis hash, and must have no gaps.
   */
  async verify(range: { from?: number; to?: number }): Promise<AuditVerifyResult> {
    const em = this.orm.em.fork();
    const [anchor] = await em.execute<{ seq: string; hash: string }[]>(
      'select seq, hash from audit_anchor order by seq desc limit 1',
    );
    const anchorSeq = anchor ? Number(anchor.seq) : 0;
    const from = Math.max(range.from ?? 1, anchorSeq + 1);
    const [head] = await em.execute<{ seq: string | null }[]>('select max(seq) as seq from audit_log');
    const to = Math.min(range.to ?? Number.MAX_SAFE_INTEGER, Number(head?.seq ?? 0));
    let firstPrevHash = anchor?.hash ?? GENESIS_HASH;
    if (from > anchorSeq + 1) {
      const [previous] = await em.execute<{ hash: string }[]>('select hash from audit_log where seq = ?', [from - 1]);
      if (!previous) return { ok: false, checked: 0, firstBrokenSeq: from - 1, reason: 'entry is missing' };
      firstPrevHash = previous.hash;
    }
    const verifier = new ChainVerifier({ contiguous: true, firstPrevHash });
    let expected = from;
    while (expected <= to) {
      const rows = await em.execute<AuditRow[]>(
        'select * from audit_log where seq >= ? and seq <= ? order by seq limit ?',
        [expected, to, BATCH],
      );
      if (rows.length === 0 || Number(rows[0].seq) !== expected) {
        return { ok: false, checked: verifier.checked, firstBrokenSeq: expected, reason: 'entry is missing' };
      }
      for (const row of rows) {
        const failure = verifier.add(entryFromRow(row));
        if (failure) {
          return { ok: false, checked: verifier.checked, firstBrokenSeq: failure.seq, reason: failure.reason };
        }
      }
      expected = Number(rows[rows.length - 1].seq) + 1;
    }
    return { ok: true, checked: verifier.checked };
  }
}
