import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { NotificationPreferencesEntity } from './entities/notification-preferences.entity';
import { NotificationEntity } from './entities/notification.entity';
import { NotificationMailer } from './notification-mailer.service';
import { NotificationWriter } from './notification-writer.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** Mentions, routed and escalated suggestions, decisions: a per-user inbox, live on the user's sockets, and email. */
@Module({
  imports: [MikroOrmModule.forFeature([NotificationEntity, NotificationPreferencesEntity])],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationWriter, NotificationMailer],
})
export class NotificationsModule {}
