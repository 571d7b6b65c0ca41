import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { NotificationPreferences } from '@tandem/shared';

export class ListNotificationsQueryDto {
  /** `true`: only unread ones. */
  @IsOptional()
  @IsIn(['true', 'false'])
  unread?: 'true' | 'false';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** The `nextCursor` of the previous page (newest first). */
  @IsOptional()
  @IsUUID()
  cursor?: string;
}

export class UpdatePreferencesDto implements NotificationPreferences {
  @IsBoolean()
  email!: boolean;
}

export class MentionCandidatesQueryDto {
  /** What follows the `@` so far: matched against names and handles. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}
