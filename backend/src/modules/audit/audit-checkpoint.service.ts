import { sign } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { AuditCheckpoint, AuditPublicKey, Page } from '@tandem/shared';
import { checkpointMessage } from '@tandem/shared/audit-chain';
import { EventBus } from '../../core/event-bus';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/paging';
import { loadConfig } from '../../config';
import { loadSigningKey, type AuditSigningKey } from './audit-signing-key';

/** Held (transaction-scoped) by the one node that signs a checkpoint. */
const CHECKPOINT_LOCK = 748_102_333;

export interface CheckpointRow {
  seq: string;
  hash: string;
  at: Date;
  signature: string;
  key_id: string;
}

export const checkpointFromRow = (row: CheckpointRow): AuditCheckpoint => ({
  seq: Number(row.seq),
  hash: row.hash,
  at: new Date(row.at).toISOString(),
  signature: row.signature,
});

/**
 * Signed checkpoints (issue 11): every `AUDIT_CHECKPOINT_SECONDS` and at shutdown, one node (advisory lock) signs the
 * audit head `{seq, hash, at}` with the Ed25519 key, stores it in audit_checkpoint, appends it to the checkpoint file
 * (meant for write-once storage, outside the database's reach) and publishes it on the `audit` channel. Deleting
 * or changing a checkpointed entry later, even as the database owner, is then caught by `verify` and the CLI.
 */
@Injectable()
export class AuditCheckpointService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditCheckpoints');
  private readonly config = loadConfig();
  private key: Promise<AuditSigningKey> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly bus: EventBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.signingKey();
    const seconds = this.config.auditCheckpointSeconds;
    if (seconds > 0) this.timer = setInterval(() => this.tick(), seconds * 1000).unref();
  }

  /** The last checkpoint covers everything written before shutdown. */
  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.checkpoint({ wait: false }).catch((error: unknown) => this.warn('shutdown checkpoint', error));
  }

  signingKey(): Promise<AuditSigningKey> {
    this.key ??= loadSigningKey({ pem: this.config.auditSigningKey, dataDir: this.config.dataDir });
    return this.key;
  }

  async publicKey(): Promise<AuditPublicKey> {
    return { algorithm: 'ed25519', publicKey: (await this.signingKey()).publicKeyPem };
  }

  /** Newest first, paged by seq. */
  async list(query: { limit?: number; cursor?: number }): Promise<Page<AuditCheckpoint>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.orm.em
      .fork()
      .execute<CheckpointRow[]>('select * from audit_checkpoint where seq < ? order by seq desc limit ?', [
        query.cursor ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      ]);
    return toPage(rows.map(checkpointFromRow), limit, (checkpoint) => String(checkpoint.seq));
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.checkpoint({ wait: false })
      .catch((error: unknown) => this.warn('checkpoint', error))
      .finally(() => {
        this.running = null;
      });
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  /**
   * Signs the head unless the newest checkpoint already covers it. `wait: false` (the timer) gives way when another
   * node is signing; `wait: true` (an admin's request) queues behind it. Answers the new checkpoint, or null.
   */
  async checkpoint({ wait }: { wait: boolean }): Promise<AuditCheckpoint | null> {
    const key = await this.signingKey();
    const made = await this.orm.em.fork().transactional(async (em) => {
      if (!(await this.lock(em, wait))) return null;
      const [head] = await em.execute<{ seq: string; hash: string }[]>('select seq, hash from audit_head');
      const [last] = await em.execute<{ seq: string }[]>('select max(seq) as seq from audit_checkpoint');
      const seq = Number(head?.seq ?? 0);
      if (seq === 0 || seq <= Number(last?.seq ?? 0)) return null;
      const signed = { seq, hash: head.hash, at: new Date().toISOString() };
      const checkpoint: AuditCheckpoint = {
        ...signed,
        signature: sign(null, Buffer.from(checkpointMessage(signed)), key.privateKey).toString('base64'),
      };
      await em.execute('insert into audit_checkpoint (seq, hash, at, signature, key_id) values (?, ?, ?, ?, ?)', [
        checkpoint.seq,
        checkpoint.hash,
        checkpoint.at,
        checkpoint.signature,
        key.keyId,
      ]);
      // Still under the lock, so lines are in seq order; a failed commit after this leaves a valid extra line.
      await mkdir(dirname(this.config.auditCheckpointFile), { recursive: true });
      await appendFile(this.config.auditCheckpointFile, `${JSON.stringify(checkpoint)}\n`, { flush: true });
      return checkpoint;
    });
    if (made) this.bus.publishEphemeral({ channel: 'audit', type: 'audit.checkpoint', at: made.at, data: made });
    return made;
  }

  private async lock(em: EntityManager, wait: boolean): Promise<boolean> {
    if (wait) {
      await em.execute('select pg_advisory_xact_lock(?)', [CHECKPOINT_LOCK]);
      return true;
    }
    const [{ locked }] = await em.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?) as locked', [
      CHECKPOINT_LOCK,
    ]);
    return locked;
  }
}
