import { Module } from '@nestjs/common';
import { NotificationMailer } from './notification-mailer.service';
import { NotificationWriter } from './notification-writer.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** Mentions, routed and escalated suggestions, decisions: a per-user inbox, live on the user's sockets, and email. */
@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationWriter, NotificationMailer],
})
export class NotificationsModule {}
