import { Module, type OnModuleInit } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AuditService } from '../../core/audit.service';
import { WebhookEntity } from './entities/webhook.entity';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookQueue } from './webhook-queue';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  // Entities come from the modules' forFeature (app.module's autoLoadEntities): without it, every write was a 500.
  imports: [MikroOrmModule.forFeature([WebhookEntity])],
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
