import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { MentionCandidate, Notification, NotificationPreferences, Page, UnreadCount } from '@tandem/shared';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import { ListNotificationsQueryDto, MentionCandidatesQueryDto, UpdatePreferencesDto } from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

/** The signed-in person's own notifications (humans only; every route is scoped to the caller). */
@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Access({ role: 'viewer' })
  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: ListNotificationsQueryDto): Promise<Page<Notification>> {
    return this.notifications.list(caller, query);
  }

  @Access({ role: 'viewer' })
  @Get('unread-count')
  unreadCount(@CurrentCaller() caller: Caller): Promise<UnreadCount> {
    return this.notifications.unreadCount(caller);
  }

  @Access({ role: 'viewer' })
  @Get('preferences')
  preferences(@CurrentCaller() caller: Caller): Promise<NotificationPreferences> {
    return this.notifications.preferences(caller);
  }

  @Access({ role: 'viewer' })
  @Patch('preferences')
  updatePreferences(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Body() dto: UpdatePreferencesDto,
  ): Promise<NotificationPreferences> {
    return this.notifications.updatePreferences(caller, meta, dto);
  }

  /** Completion for `@` in the comment editor: `{items: [{id, name, handle}]}`. */
  @Access({ role: 'viewer', agents: true })
  @Get('mention-candidates')
  mentionCandidates(@Query() query: MentionCandidatesQueryDto): Promise<{ items: MentionCandidate[] }> {
    return this.notifications.mentionCandidates(query.q);
  }

  @Access({ role: 'viewer' })
  @HttpCode(200)
  @Post('read-all')
  markAllRead(@CurrentCaller() caller: Caller): Promise<{ updated: number }> {
    return this.notifications.markAllRead(caller);
  }

  @Access({ role: 'viewer' })
  @HttpCode(200)
  @Post(':id/read')
  markRead(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<Notification> {
    return this.notifications.markRead(caller, meta, id);
  }
}
