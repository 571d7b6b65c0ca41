import { PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  DECISIONS,
  SUGGESTION_KINDS,
  SUGGESTION_STATUSES,
  type CreateSuggestionRequest,
  type Decision,
  type DecideSuggestionRequest,
  type ReviseSuggestionRequest,
  type SuggestionKind,
  type SuggestionStatus,
} from '@tandem/shared';
import { PageQueryDto } from '../../../common/paging';
import { ReviewersDto } from '../../workflows/dto/workflow.dto';

export class CreateSuggestionDto implements CreateSuggestionRequest {
  @IsOptional()
  @IsUUID()
  taskId?: string | null;

  @IsOptional()
  @IsUUID()
  workflowId?: string;

  @IsIn(SUGGESTION_KINDS)
  kind!: SuggestionKind;

  /** Required except for a `question`, whose summary defaults to the question (checked by the service). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  action?: string;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  reasoning?: string;

  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;

  /** Required except for a `question` (checked by the service). */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence?: number;

  /** Route it to these reviewers instead of the workflow policy's. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ReviewersDto)
  reviewers?: ReviewersDto;
}

/** A new revision: any of the content fields of the original post. */
export class ReviseSuggestionDto
  extends PartialType(PickType(CreateSuggestionDto, ['action', 'reasoning', 'payload', 'confidence'] as const))
  implements ReviseSuggestionRequest {}

export class DecideSuggestionDto implements DecideSuggestionRequest {
  @IsIn(DECISIONS)
  decision!: Decision;

  /** Required except on a `question` or `interrupt` (one revision only; checked by the decision service). */
  @IsOptional()
  @IsInt()
  @Min(1)
  revision?: number;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  note?: string;

  /** An approver's edit of the payload (approve only), validated like the agent's original. */
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;

  /** The text answer of `respond` (question, interrupt). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  response?: string;
}

export class ListSuggestionsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(SUGGESTION_STATUSES)
  status?: SuggestionStatus;

  @IsOptional()
  @IsUUID()
  workflowId?: string;

  @IsOptional()
  @IsUUID()
  agentId?: string;

  @IsOptional()
  @IsUUID()
  taskId?: string;

  /** `me`: suggestions routed to the caller, by name or by role (the queue's "assigned to me"). */
  @IsOptional()
  @IsIn(['me'])
  assignedTo?: 'me';
}

export const MAX_WAIT_SECONDS = 60;

export class GetSuggestionQueryDto {
  /** Long-poll: seconds to wait for a decision while the suggestion is pending (at most 60). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_WAIT_SECONDS)
  wait?: number;
}
