import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { WEBHOOK_FORMATS, WEBHOOK_STATUSES, type WebhookFormat, type WebhookStatus } from '@tandem/shared';
import { BaseEntity } from '../../../common/base.entity';

/** A receiver of signed event deliveries. Its queue (`webhook_deliveries`) is SQL in `webhook-queue.ts`. */
@Entity({ tableName: 'webhooks' })
export class WebhookEntity extends BaseEntity {
  @Property({ type: 'text' })
  url!: string;

  /** Audit action patterns: exact (`task.moved`), a family (`suggestion.*`) or everything (`*`). */
  @Property({ type: 'json' })
  events!: string[];

  @Property({ type: 'uuid', nullable: true })
  workflowId: string | null = null;

  @Enum({ items: () => WEBHOOK_FORMATS })
  format: Opt<WebhookFormat> = 'json';

  @Property({ type: 'text' })
  description: Opt<string> = '';

  /** The HMAC key, needed in clear to sign; shown to the admin once, never answered again. */
  @Property({ type: 'string', hidden: true })
  secret!: string;

  @Enum({ items: () => WEBHOOK_STATUSES })
  status: Opt<WebhookStatus> = 'active';

  @Property({ type: 'integer' })
  consecutiveFailures: Opt<number> = 0;

  @Property({ type: 'text', nullable: true })
  pausedReason: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;
}
