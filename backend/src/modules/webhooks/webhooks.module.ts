import { Module, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '../../core/audit.service';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookQueue } from './webhook-queue';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookQueue, WebhookDispatcher],
})
export class WebhooksModule implements OnModuleInit {
  constructor(
    private readonly audit: AuditService,
    private readonly queue: WebhookQueue,
  ) {}

  /** Deliveries are queued in the transaction that appends the audit entries (every node, sending or not). */
  onModuleInit(): void {
    this.audit.onAppend((em, entries) => this.queue.enqueue(em, entries).then(() => undefined));
  }
}
