import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { AuditCheckpoint, AuditVerifyReason, AuditVerifyResult } from '@tandem/shared';
import { ChainVerifier, checkpointSignatureValid, GENESIS_HASH } from '@tandem/shared/audit-chain';
import { AppError } from '../../common/app-error';
import { AuditCheckpointService, checkpointFromRow, type CheckpointRow } from './audit-checkpoint.service';
import { entryFromRow, type AuditRow } from '../../core/audit.service';

/** Rows read per query: verification of any range runs in constant memory. */
const BATCH = 1000;

const broken = (checked: number, seq: number, reason: AuditVerifyReason, detail: string): AuditVerifyResult => ({
  ok: false,
  checked,
  firstBrokenSeq: seq,
  reason,
  detail,
});

@Injectable()
export class AuditVerifyService {
  constructor(
    private readonly orm: MikroORM,
    private readonly checkpoints: AuditCheckpointService,
  ) {}

  /**
   * Recomputes every hash and prev link over a seq range (default: all that retention left), up to the highest seq
   * ever issued (audit_head) or signed (a checkpoint), whichever is higher: entries missing below it are
   * `truncated`, even the newest. Every signed checkpoint in the range must match its entry (`mismatch`).
   */
  async verify(range: { from?: number; to?: number }): Promise<AuditVerifyResult> {
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
      throw AppError.badRequest('from must not be after to', { from: range.from, to: range.to });
    }
    const em = this.orm.em.fork();
    const [bounds] = await em.execute<{ anchor_seq: string | null; anchor_hash: string | null; head: string }[]>(
      `select (select seq from audit_anchor order by seq desc limit 1) as anchor_seq,
              (select hash from audit_anchor order by seq desc limit 1) as anchor_hash,
              greatest((select seq from audit_head), (select max(seq) from audit_checkpoint),
                       (select max(seq) from audit_log), 0) as head`,
    );
    const head = Number(bounds.head);
    if (range.from !== undefined && range.from > head) {
      throw AppError.badRequest(`from is past the head of the log (seq ${head})`, { from: range.from, head });
    }
    const anchorSeq = Number(bounds.anchor_seq ?? 0);
    const from = Math.max(range.from ?? 1, anchorSeq + 1);
    const to = Math.min(range.to ?? head, head);
    let firstPrevHash = bounds.anchor_hash ?? GENESIS_HASH;
    if (from > anchorSeq + 1) {
      const [previous] = await em.execute<{ hash: string }[]>('select hash from audit_log where seq = ?', [from - 1]);
      if (!previous) return broken(0, from - 1, 'truncated', `entry ${from - 1} is missing`);
      firstPrevHash = previous.hash;
    }
    const { keyId, publicKeyPem: publicKey } = await this.checkpoints.signingKey();
    const verifier = new ChainVerifier({ contiguous: true, firstPrevHash });
    let expected = from;
    while (expected <= to) {
      const rows = await em.execute<AuditRow[]>(
        'select * from audit_log where seq >= ? and seq <= ? order by seq limit ?',
        [expected, to, BATCH],
      );
      if (rows.length === 0 || Number(rows[0].seq) !== expected) {
        const upto = rows.length ? Number(rows[0].seq) - 1 : to;
        return broken(
          verifier.checked,
          expected,
          'truncated',
          `entries ${expected}..${upto} were issued but are missing`,
        );
      }
      const last = Number(rows[rows.length - 1].seq);
      const signed = new Map<number, AuditCheckpoint & { keyId: string }>();
      for (const row of await em.execute<CheckpointRow[]>(
        'select * from audit_checkpoint where seq >= ? and seq <= ? order by seq',
        [expected, last],
      )) {
        signed.set(Number(row.seq), { ...checkpointFromRow(row), keyId: row.key_id });
      }
      for (const row of rows) {
        const entry = entryFromRow(row);
        if (entry.seq !== expected) {
          return broken(verifier.checked, expected, 'truncated', `entries ${expected}..${entry.seq - 1} are missing`);
        }
        expected += 1;
        const failure = verifier.add(entry);
        if (failure) return broken(verifier.checked, failure.seq, 'mismatch', failure.reason);
        const checkpoint = signed.get(entry.seq);
        // Checkpoints signed with an earlier key are checked offline, with that key (tandem-audit --public-key).
        if (!checkpoint || checkpoint.keyId !== keyId) continue;
        if (!checkpointSignatureValid(checkpoint, publicKey)) {
          return broken(
            verifier.checked,
            entry.seq,
            'mismatch',
            `the checkpoint at seq ${entry.seq} has a bad signature`,
          );
        }
        if (checkpoint.hash !== entry.hash) {
          return broken(verifier.checked, entry.seq, 'mismatch', `seq ${entry.seq} differs from its signed checkpoint`);
        }
      }
      if (rows.length < BATCH && expected <= to) {
        return broken(
          verifier.checked,
          expected,
          'truncated',
          `entries ${expected}..${to} were issued but are missing`,
        );
      }
    }
    return { ok: true, checked: verifier.checked };
  }
}
