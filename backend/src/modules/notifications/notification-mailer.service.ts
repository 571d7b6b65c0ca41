import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Notification } from '@tandem/shared';
import nodemailer, { type Transporter } from 'nodemailer';
import { loadConfig, type TandemConfig } from '../../config';
import { digestEmail, mentionEmail, type EmailContent } from './notification-email';
import { toNotification } from './notification.mapper';
import { UserEntity } from '../users/entities/user.entity';
import { NotificationEntity } from './entities/notification.entity';

/** Held (per digest pass, transaction-scoped) by the one node that sends digests. */
const DIGEST_LOCK = 748_102_341;
const BATCH = 50;

interface OutboxRow {
  id: string;
  user_id: string;
  wants_email: boolean | null;
  /** The user's email address (read through the users entity, not SQL on its table). */
  address: string;
}

/** A loopback relay (a local MTA, a test's server) commonly offers STARTTLS with a self-signed certificate. */
function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Sends notification emails over SMTP when `SMTP_URL` is set. The outbox is the notifications table itself:
 * mentions (`email = 'now'`) are sent right after the commit that wrote them (and by the periodic pass if that
 * node died first); routed and escalated suggestions (`'digest'`) wait until a user's oldest pending one is
 * `NOTIFY_DIGEST_SECONDS` old, then go out as one digest. Rows are claimed `for update skip locked` and digests run
 * under an advisory lock, so each email is sent by exactly one node.
 */
@Injectable()
export class NotificationMailer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('NotificationMailer');
  private readonly config: TandemConfig = loadConfig();
  private readonly transport: Transporter | null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly orm: MikroORM) {
    const url = this.config.smtpUrl;
    // `smtp://` upgrades with STARTTLS whenever the server offers it (nodemailer's default); `smtps://` is TLS.
    this.transport = url
      ? nodemailer.createTransport({ url, tls: isLoopback(url) ? { rejectUnauthorized: false } : {} })
      : null;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  onApplicationBootstrap(): void {
    if (!this.transport) return;
    const everyMs = Math.min(5000, Math.max(200, (this.config.notifyDigestSeconds * 1000) / 4));
    this.timer = setInterval(() => this.kick(), everyMs);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.again = false;
    await this.running;
    this.transport?.close();
  }

  /** Runs a pass now (or right after the one in progress). */
  kick(): void {
    if (!this.transport) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runOnce()
      .catch((error: unknown) =>
        this.logger.warn(`mail pass failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.running = null;
        if (this.again && this.timer) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** One pass: due immediate emails, then due digests. Public so tests can drive it. */
  async runOnce(now = new Date()): Promise<void> {
    await this.sendImmediate();
    await this.sendDigests(now);
  }

  private async sendImmediate(): Promise<void> {
    for (;;) {
      const { claimed, done } = await this.orm.em.fork().transactional(async (em) => {
        const rows = await this.claim(em, `n.email = 'now'`, []);
        let settled = 0;
        for (const row of rows) {
          const notification = await this.load(em, row.id);
          if (row.wants_email !== false) {
            const content = mentionEmail(this.config.publicUrl, notification.data as never);
            if (!(await this.send(row.address, content))) continue;
          }
          await this.markDone(em, [row.id]);
          settled += 1;
        }
        return { claimed: rows.length, done: settled };
      });
      // A full batch that all went out: there may be more. Failures wait for the next pass.
      if (claimed < BATCH || done < claimed) return;
    }
  }

  private async sendDigests(now: Date): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const [{ locked }] = await em.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?) as locked', [
        DIGEST_LOCK,
      ]);
      if (!locked) return;
      const due = new Date(now.getTime() - this.config.notifyDigestSeconds * 1000);
      const users = await em.execute<{ user_id: string }[]>(
        `select user_id from notifications where email = 'digest' and emailed_at is null
          group by user_id having min(created_at) <= ? limit ?`,
        [due, BATCH],
      );
      for (const { user_id: userId } of users) {
        const rows = await this.claim(em, `n.email = 'digest' and n.user_id = ?`, [userId]);
        if (!rows.length) continue;
        if (rows[0].wants_email !== false) {
          const notifications: Notification[] = [];
          for (const row of rows) notifications.push(await this.load(em, row.id));
          if (!(await this.send(rows[0].address, digestEmail(this.config.publicUrl, notifications)))) continue;
        }
        await this.markDone(
          em,
          rows.map((row) => row.id),
        );
      }
    });
  }

  /** Locks pending outbox rows (oldest first) with their user's email preference and address. */
  private async claim(em: EntityManager, where: string, params: unknown[]): Promise<OutboxRow[]> {
    const rows = await em.execute<Omit<OutboxRow, 'address'>[]>(
      `select n.id, n.user_id, p.email as wants_email
         from notifications n
         left join notification_preferences p on p.user_id = n.user_id
        where n.emailed_at is null and ${where}
        order by n.id
        limit ${BATCH}
        for update of n skip locked`,
      params,
    );
    if (!rows.length) return [];
    const users = await em.find(UserEntity, { id: { $in: [...new Set(rows.map((row) => row.user_id))] } });
    const addresses = new Map(users.map((user) => [user.id, user.email]));
    return rows.map((row) => ({ ...row, address: addresses.get(row.user_id) ?? '' }));
  }

  private async load(em: EntityManager, id: string): Promise<Notification> {
    return toNotification(await em.findOneOrFail(NotificationEntity, { id }));
  }

  /** Marks rows sent (or, for someone who turned email off, settled without sending). */
  private async markDone(em: EntityManager, ids: string[]): Promise<void> {
    await em.nativeUpdate(NotificationEntity, { id: { $in: ids } }, { emailedAt: new Date() });
  }

  /** False when the server refused or could not be reached: the rows stay pending for the next pass. */
  private async send(to: string, content: EmailContent): Promise<boolean> {
    try {
      await this.transport!.sendMail({ from: this.config.smtpFrom, to, ...content });
      return true;
    } catch (error) {
      this.logger.warn(`email to ${to} failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
