import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Page, Webhook, WebhookDeliveryAttempt, WebhookWithSecret } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { applyPatch, creationChanges } from '../../common/changes';
import type { Caller, RequestMeta } from '../../common/caller';
import { DEFAULT_PAGE_SIZE, toPage } from '../../common/paging';
import { loadConfig } from '../../config';
import type { AuditDraft } from '../../core/audit.service';
import { WritePath } from '../../core/write-path.service';
import { WorkflowEntity } from '../workflows/entities/workflow.entity';
import type { CreateWebhookDto, ListDeliveriesQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhookEntity } from './entities/webhook.entity';
import { privateAddressOf } from './webhook-address';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { toWebhook } from './webhook.mapper';
import { WebhookQueue } from './webhook-queue';
import { newWebhookSecret } from './webhook-signature';

const AUDITED_FIELDS = ['url', 'events', 'workflowId', 'format', 'description', 'status'] as const;

/** Admins' registration of webhooks (issue 14, 1); every change goes through the write path and is audited. */
@Injectable()
export class WebhooksService {
  private readonly allowPrivate = loadConfig().webhooks.allowPrivate;

  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly queue: WebhookQueue,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async create(caller: Caller, meta: RequestMeta, dto: CreateWebhookDto): Promise<WebhookWithSecret> {
    await this.assertPublic(dto.url);
    return this.writes.run(caller, meta, async (tx) => {
      if (dto.workflowId) await this.assertWorkflow(tx.em, dto.workflowId);
      const webhook = tx.em.create(WebhookEntity, {
        url: dto.url,
        events: [...new Set(dto.events)],
        workflowId: dto.workflowId ?? null,
        format: dto.format ?? 'json',
        description: dto.description ?? '',
        secret: newWebhookSecret(),
        createdBy: caller.id,
      });
      await tx.em.flush();
      tx.record(draft(webhook, 'webhook.created', creationChanges(webhook, [...AUDITED_FIELDS])));
      return { ...toWebhook(webhook), secret: webhook.secret };
    });
  }

  async list(query: ListDeliveriesQueryDto): Promise<Page<Webhook>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.orm.em.fork().find(WebhookEntity, query.cursor ? { id: { $gt: query.cursor } } : {}, {
      orderBy: { id: 'asc' },
      limit: limit + 1,
    });
    return toPage(rows.map(toWebhook), limit, (row) => row.id);
  }

  async get(id: string): Promise<Webhook> {
    return toWebhook(await this.find(id));
  }

  /** Edits, pauses (`active: false` / `status: "paused"`) or resumes; resuming forgets the run of failures. */
  async update(caller: Caller, meta: RequestMeta, id: string, dto: UpdateWebhookDto): Promise<Webhook> {
    if (dto.url) await this.assertPublic(dto.url);
    const status = dto.status ?? (dto.active === undefined ? undefined : dto.active ? 'active' : 'paused');
    if (dto.status && dto.active !== undefined && (dto.status === 'active') !== dto.active) {
      throw AppError.badRequest('status and active disagree', { status: dto.status, active: dto.active });
    }
    return this.writes
      .run(caller, meta, async (tx) => {
        const webhook = await tx.lock(WebhookEntity, id, 'webhook');
        if (dto.version !== undefined && dto.version !== webhook.version) {
          throw AppError.versionConflict('The webhook', toWebhook(webhook));
        }
        if (dto.workflowId) await this.assertWorkflow(tx.em, dto.workflowId);
        const resumed = status === 'active' && webhook.status !== 'active';
        const changes = applyPatch(webhook, {
          url: dto.url,
          events: dto.events ? [...new Set(dto.events)] : undefined,
          workflowId: dto.workflowId,
          format: dto.format,
          description: dto.description,
          status,
          ...(resumed ? { consecutiveFailures: 0, pausedReason: null } : {}),
          ...(status === 'paused' && webhook.status !== 'paused' ? { pausedReason: 'paused by an admin' } : {}),
        });
        if (Object.keys(changes).length === 0) return toWebhook(webhook);
        tx.record(draft(webhook, 'webhook.updated', changes));
        return toWebhook(webhook);
      })
      .finally(() => this.dispatcher.kick());
  }

  /** Removes the webhook and its queue (the audit log keeps what was sent). */
  async remove(caller: Caller, meta: RequestMeta, id: string): Promise<Webhook> {
    return this.writes.run(caller, meta, async (tx) => {
      const webhook = await tx.lock(WebhookEntity, id, 'webhook');
      const gone = toWebhook(webhook);
      tx.record({ ...draft(webhook, 'webhook.deleted', {}), data: gone });
      tx.em.remove(webhook);
      return gone;
    });
  }

  async deliveries(id: string, query: ListDeliveriesQueryDto): Promise<Page<WebhookDeliveryAttempt>> {
    await this.find(id);
    return this.queue.attempts(id, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  }

  /** Queues the delivery again now, with the same `Tandem-Delivery` id. */
  async redeliver(caller: Caller, meta: RequestMeta, id: string, deliveryId: string) {
    const result = await this.writes.run(caller, meta, async (tx) => {
      const webhook = await tx.lock(WebhookEntity, id, 'webhook');
      const queued = await this.queue.redeliver(tx.em, webhook.id, deliveryId);
      if (!queued) throw AppError.notFound('delivery', deliveryId);
      tx.record({
        ...draft(webhook, 'webhook.redelivered', {}),
        context: { deliveryId, eventId: String(queued.eventSeq) },
      });
      return { deliveryId, eventId: String(queued.eventSeq), state: 'pending' as const };
    });
    this.dispatcher.kick();
    return result;
  }

  private async find(id: string): Promise<WebhookEntity> {
    const webhook = await this.orm.em.fork().findOne(WebhookEntity, { id });
    if (!webhook) throw AppError.notFound('webhook', id);
    return webhook;
  }

  private async assertWorkflow(em: EntityManager, workflowId: string): Promise<void> {
    if (!(await em.findOne(WorkflowEntity, { id: workflowId }))) throw AppError.notFound('workflow', workflowId);
  }

  /** 400 `private_address` for a loopback or private target, unless WEBHOOK_ALLOW_PRIVATE=1. */
  private async assertPublic(url: string): Promise<void> {
    if (this.allowPrivate) return;
    const address = await privateAddressOf(url);
    if (address) {
      throw new AppError(
        ErrorCode.PrivateAddress,
        `The webhook URL points to a private or loopback address (${address}); set WEBHOOK_ALLOW_PRIVATE=1 to allow it`,
        { details: { url, address } },
      );
    }
  }
}

/** Webhook entries stay off workflow channels: their URLs (Slack's carry a token) are for admins only. */
function draft(webhook: WebhookEntity, action: AuditDraft['action'], changes: AuditDraft['changes']): AuditDraft {
  return {
    action,
    entityType: 'webhook',
    entityId: webhook.id,
    changes,
    context: webhook.workflowId ? { workflowId: webhook.workflowId } : {},
    data: () => toWebhook(webhook),
  };
}
