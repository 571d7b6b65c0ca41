import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { AuditEntry, Page, WebhookDeliveryAttempt, WebhookFormat } from '@tandem/shared';
import { v7 as uuidv7 } from 'uuid';
import { entryFromRow, type AuditRow } from '../../core/audit.service';
import { matchesEvent } from './webhook.mapper';

/** A delivery leased by this node for one attempt, with what it takes to send it. */
export interface LeasedDelivery {
  id: string;
  webhookId: string;
  eventSeq: number;
  attempts: number;
  createdAt: Date;
  url: string;
  secret: string;
  format: WebhookFormat;
}

interface AttemptRow {
  id: string;
  delivery_id: string;
  event_seq: string;
  attempt: number;
  at: Date;
  status: number | null;
  duration_ms: number;
  error: string | null;
}

/**
 * The durable delivery queue in PostgreSQL: one row per (webhook, event), whose id is the `Tandem-Delivery`
 * header; every attempt is kept. Rows are queued by the transaction that appends the audit entry, and leased with
 * `FOR UPDATE SKIP LOCKED`, so each attempt is made by exactly one node.
 */
@Injectable()
export class WebhookQueue {
  constructor(private readonly orm: MikroORM) {}

  /** Queues a delivery of each entry to each active webhook that wants it, in the appending transaction. */
  async enqueue(em: EntityManager, entries: AuditEntry[]): Promise<number> {
    const hooks = await em.execute<Array<{ id: string; events: string[]; workflow_id: string | null }>>(
      `select id, events, workflow_id from webhooks where status = 'active'`,
    );
    if (hooks.length === 0) return 0;
    const rows: unknown[][] = [];
    for (const entry of entries) {
      for (const hook of hooks) {
        if (hook.workflow_id && hook.workflow_id !== entry.workflowId) continue;
        if (!matchesEvent(hook.events, entry.action)) continue;
        rows.push([uuidv7(), hook.id, entry.seq, entry.action]);
      }
    }
    if (rows.length === 0) return 0;
    await em.execute(
      `insert into webhook_deliveries (id, webhook_id, event_seq, event_type) values ${rows.map(() => '(?, ?, ?, ?)').join(', ')}
       on conflict (webhook_id, event_seq) do nothing`,
      rows.flat(),
    );
    return rows.length;
  }

  /** Leases up to `limit` due deliveries of active webhooks for `leaseMs`; another node skips them meanwhile. */
  async lease(nodeId: string, limit: number, leaseMs: number): Promise<LeasedDelivery[]> {
    const rows = await this.orm.em.fork().execute<
      Array<{
        id: string;
        webhook_id: string;
        event_seq: string;
        attempts: number;
        created_at: Date;
        url: string;
        secret: string;
        format: WebhookFormat;
      }>
    >(
      `with due as (
         select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
         where d.state = 'pending' and d.next_attempt_at <= now() and w.status = 'active'
           and (d.lease_until is null or d.lease_until < now())
         order by d.next_attempt_at
         limit ?
         for update of d skip locked
       )
       update webhook_deliveries d
       set lease_until = now() + make_interval(secs => ?), leased_by = ?
       from due, webhooks w
       where d.id = due.id and w.id = d.webhook_id
       returning d.id, d.webhook_id, d.event_seq, d.attempts, d.created_at, w.url, w.secret, w.format`,
      [limit, leaseMs / 1000, nodeId],
    );
    return rows.map((row) => ({
      id: row.id,
      webhookId: row.webhook_id,
      eventSeq: Number(row.event_seq),
      attempts: row.attempts,
      createdAt: new Date(row.created_at),
      url: row.url,
      secret: row.secret,
      format: row.format,
    }));
  }

  async event(seq: number): Promise<AuditEntry | null> {
    const [row] = await this.orm.em.fork().execute<AuditRow[]>('select * from audit_log where seq = ?', [seq]);
    return row ? entryFromRow(row) : null;
  }

  /** Records an attempt and the delivery's next state, inside the caller's transaction. */
  async recordAttempt(
    em: EntityManager,
    delivery: LeasedDelivery,
    attempt: { at: Date; status: number | null; durationMs: number; error: string | null },
    next: { state: 'delivered' | 'failed' } | { state: 'pending'; retryAt: Date },
  ): Promise<void> {
    await em.execute(
      `insert into webhook_attempts (id, delivery_id, webhook_id, event_seq, attempt, at, status, duration_ms, error)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        uuidv7(),
        delivery.id,
        delivery.webhookId,
        delivery.eventSeq,
        delivery.attempts + 1,
        attempt.at,
        attempt.status,
        Math.round(attempt.durationMs),
        attempt.error,
      ],
    );
    await em.execute(
      `update webhook_deliveries set attempts = attempts + 1, state = ?, lease_until = null, leased_by = null,
         next_attempt_at = coalesce(?, next_attempt_at), delivered_at = case when ? = 'delivered' then now() end
       where id = ?`,
      [next.state, next.state === 'pending' ? next.retryAt : null, next.state, delivery.id],
    );
  }

  /** Every attempt for a webhook, newest first. */
  async attempts(webhookId: string, limit: number, cursor?: string): Promise<Page<WebhookDeliveryAttempt>> {
    const rows = await this.orm.em.fork().execute<AttemptRow[]>(
      `select id, delivery_id, event_seq, attempt, at, status, duration_ms, error from webhook_attempts
       where webhook_id = ? ${cursor ? 'and id < ?' : ''} order by id desc limit ?`,
      cursor ? [webhookId, cursor, limit + 1] : [webhookId, limit + 1],
    );
    const items = rows.slice(0, limit).map((row) => ({
      deliveryId: row.delivery_id,
      eventId: String(row.event_seq),
      attempt: row.attempt,
      at: new Date(row.at).toISOString(),
      status: row.status,
      durationMs: row.duration_ms,
      ...(row.error ? { error: row.error } : {}),
    }));
    return { items, nextCursor: rows.length > limit ? rows[limit - 1].id : null };
  }

  /** Queues a delivery again at once (same delivery id); false if the webhook has no such delivery. */
  async redeliver(em: EntityManager, webhookId: string, deliveryId: string): Promise<{ eventSeq: number } | null> {
    const [row] = await em.execute<Array<{ event_seq: string }>>(
      // The retry window (created_at + WEBHOOK_RETRY_MAX_HOURS) starts again.
      `update webhook_deliveries
       set state = 'pending', next_attempt_at = now(), created_at = now(), lease_until = null, leased_by = null
       where id = ? and webhook_id = ? returning event_seq`,
      [deliveryId, webhookId],
    );
    return row ? { eventSeq: Number(row.event_seq) } : null;
  }
}
