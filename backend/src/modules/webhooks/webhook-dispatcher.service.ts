import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { applyPatch } from '../../common/changes';
import type { Caller } from '../../common/caller';
import { NO_REQUEST } from '../../common/caller';
import { EventBus } from '../../core/event-bus';
import { loadConfig, type WebhookConfig } from '../../config';
import { WritePath } from '../../core/write-path.service';
import { WebhookEntity } from './entities/webhook.entity';
import { toWebhook } from './webhook.mapper';
import { bodyFor } from './webhook-payload';
import { WebhookQueue, type LeasedDelivery } from './webhook-queue';
import { sendWebhook, type SendResult } from './webhook-sender';
import { signatureHeader } from './webhook-signature';

/** The system pausing a failing webhook (the audit entry's `onBehalfOf`). */
const WEBHOOK_SYSTEM: Caller = { type: 'system', id: null, name: 'system', onBehalfOf: 'webhooks' };

const BATCH = 10;
const MAX_DELAY_MS = 3_600_000;

/** Exponential backoff with jitter: base, 2×base, 4×base, ... (capped at an hour), each plus up to 25%. */
export function retryDelayMs(failedAttempts: number, baseMs: number, random = Math.random): number {
  const plain = Math.min(baseMs * 2 ** Math.max(0, failedAttempts - 1), MAX_DELAY_MS);
  return Math.round(plain * (1 + random() * 0.25));
}

/**
 * Sends queued deliveries. Every node runs one: it leases due rows (SKIP LOCKED, so one node per attempt), posts
 * them signed, and records each attempt with the delivery's next state in one transaction. Local commits wake it
 * at once; other nodes' events and retries are found by polling every WEBHOOK_POLL_MS.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookDispatcher');
  private readonly config: WebhookConfig;
  private readonly publicUrl: string;
  private readonly nodeId: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly queue: WebhookQueue,
    private readonly writes: WritePath,
    private readonly bus: EventBus,
  ) {
    const config = loadConfig();
    this.config = config.webhooks;
    this.publicUrl = config.publicUrl;
    this.nodeId = `${config.nodeId}-${Math.random().toString(36).slice(2, 8)}`;
  }

  onApplicationBootstrap(): void {
    if (this.config.pollMs <= 0) return;
    this.timer = setInterval(() => this.kick(), this.config.pollMs);
    this.unsubscribe = this.bus.onCommitted(() => this.kick());
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe();
    // Attempts in flight finish and are recorded; a lease left behind simply runs out.
    await this.running;
  }

  /** Runs a pass now, or right after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error: unknown) => this.logger.warn(`webhook pass failed: ${String(error)}`))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass(): Promise<void> {
    const leaseMs = Math.max(30_000, this.config.timeoutMs * 3);
    for (;;) {
      const leased = await this.queue.lease(this.nodeId, BATCH, leaseMs);
      await Promise.all(leased.map((delivery) => this.deliver(delivery)));
      if (leased.length < BATCH || this.stopped) return;
    }
  }

  private async deliver(delivery: LeasedDelivery): Promise<void> {
    const at = new Date();
    const entry = await this.queue.event(delivery.eventSeq);
    let result: SendResult;
    if (!entry) {
      result = { status: null, durationMs: 0, error: `event ${delivery.eventSeq} is no longer in the audit log` };
    } else {
      const body = JSON.stringify(bodyFor(delivery.format, entry, this.publicUrl));
      result = await sendWebhook(
        delivery.url,
        body,
        {
          'tandem-signature': signatureHeader(delivery.secret, body, at),
          'tandem-delivery': delivery.id,
          'tandem-event': entry.action,
          'user-agent': 'Tandem-Webhooks/1',
        },
        { timeoutMs: this.config.timeoutMs, allowPrivate: this.config.allowPrivate },
      );
    }
    await this.record(delivery, { at, ...result });
  }

  private async record(delivery: LeasedDelivery, attempt: SendResult & { at: Date }): Promise<void> {
    await this.writes.run(WEBHOOK_SYSTEM, NO_REQUEST, async (tx) => {
      if (attempt.error === null) {
        await this.queue.recordAttempt(tx.em, delivery, attempt, { state: 'delivered' });
        await tx.em.execute('update webhooks set consecutive_failures = 0 where id = ? and consecutive_failures <> 0', [
          delivery.webhookId,
        ]);
        return;
      }
      const retryAt = new Date(Date.now() + retryDelayMs(delivery.attempts + 1, this.config.retryBaseMs));
      const exhausted = retryAt.getTime() > delivery.createdAt.getTime() + this.config.retryMaxHours * 3_600_000;
      await this.queue.recordAttempt(
        tx.em,
        delivery,
        attempt,
        exhausted ? { state: 'failed' } : { state: 'pending', retryAt },
      );
      const [counted] = await tx.em.execute<Array<{ consecutive_failures: number; status: string }>>(
        'update webhooks set consecutive_failures = consecutive_failures + 1 where id = ? returning consecutive_failures, status',
        [delivery.webhookId],
      );
      if (!counted || counted.status !== 'active') return;
      const failures = counted.consecutive_failures;
      if (!exhausted && failures < this.config.maxFailures) return;
      const reason = exhausted
        ? `delivery ${delivery.id} (event ${delivery.eventSeq}) failed for ${this.config.retryMaxHours} h`
        : `${failures} failed deliveries in a row`;
      const webhook = await tx.lock(WebhookEntity, delivery.webhookId, 'webhook');
      const changes = applyPatch(webhook, { status: 'paused', pausedReason: reason });
      tx.record({
        action: 'webhook.paused',
        entityType: 'webhook',
        entityId: webhook.id,
        changes,
        context: {
          reason,
          deliveryId: delivery.id,
          eventId: String(delivery.eventSeq),
          failures,
          lastError: attempt.error,
        },
        data: () => toWebhook(webhook),
      });
    });
  }
}
