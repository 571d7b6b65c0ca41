import { PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import {
  WEBHOOK_FORMATS,
  WEBHOOK_STATUSES,
  type CreateWebhookRequest,
  type UpdateWebhookRequest,
  type WebhookFormat,
  type WebhookStatus,
} from '@tandem/shared';
import { PageQueryDto } from '../../../common/paging';

/** `*`, `family.*` or an action name (`task.moved`). */
const EVENT_PATTERN = /^(\*|[a-z_]+\.\*|[a-z_]+\.[a-z_]+)$/;

export class CreateWebhookDto implements CreateWebhookRequest {
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(EVENT_PATTERN, { each: true, message: 'each event must be *, family.* or an action such as task.moved' })
  events!: string[];

  @IsOptional()
  @IsUUID()
  workflowId?: string | null;

  @IsOptional()
  @IsIn(WEBHOOK_FORMATS)
  format?: WebhookFormat;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

/** Any field of the registration, plus pausing/resuming (`active` or `status`) and the optional version. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) implements UpdateWebhookRequest {
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @IsOptional()
  @IsIn(WEBHOOK_STATUSES)
  status?: WebhookStatus;

  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListDeliveriesQueryDto extends PageQueryDto {}
