import { PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
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
  ROLES,
  TIMEOUT_ACTIONS,
  WORKFLOW_STATUSES,
  type AssignAgentsRequest,
  type Reviewers,
  type Role,
  type TimeoutAction,
  type WipLimit,
  type WipLimitsPatch,
  type CreateWorkflowRequest,
  type UpdateWorkflowRequest,
  type WorkflowPolicy,
  type WorkflowStatus,
} from '@tandem/shared';
import { PageQueryDto } from '../../../common/paging';

/** Named reviewers: users by id and/or everyone with one of the roles. */
export class ReviewersDto implements Reviewers {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  users?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles?: Role[];
}

export class PolicyDto implements Partial<WorkflowPolicy> {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  requiredApprovals?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  autoApproveAbove?: number | null;

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(30 * 24 * 3600)
  suggestionTtlSeconds?: number | null;

  @IsOptional()
  @IsBoolean()
  separationOfDuties?: boolean;

  /** Who reviews this workflow's suggestions (unless a suggestion names its own); null clears it. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ReviewersDto)
  reviewers?: ReviewersDto | null;

  /** Who hears of an escalation; without it every admin does. Null clears it. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ReviewersDto)
  escalationReviewers?: ReviewersDto | null;

  /** At the time limit: `expire` (default) or `reject`; never an approval. */
  @IsOptional()
  @IsIn(TIMEOUT_ACTIONS)
  timeoutAction?: TimeoutAction;

  /** Escalate this many seconds after a suggestion is made; null: at half the time limit. */
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(30 * 24 * 3600)
  escalateAfterSeconds?: number | null;
}

export class WipLimitDto implements WipLimit {
  @IsInt()
  @Min(0)
  @Max(100_000)
  limit!: number;

  @IsBoolean()
  hard!: boolean;
}

/** One optional entry per board column; null removes that column's limit. */
export class WipLimitsDto implements WipLimitsPatch {
  @IsOptional()
  @ValidateNested()
  @Type(() => WipLimitDto)
  pending?: WipLimitDto | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => WipLimitDto)
  in_progress?: WipLimitDto | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => WipLimitDto)
  review?: WipLimitDto | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => WipLimitDto)
  completed?: WipLimitDto | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => WipLimitDto)
  failed?: WipLimitDto | null;
}

export class CreateWorkflowDto implements CreateWorkflowRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @IsOptional()
  @IsIn(WORKFLOW_STATUSES)
  status?: WorkflowStatus;

  @IsOptional()
  @ValidateNested()
  @Type(() => PolicyDto)
  policy?: PolicyDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => WipLimitsDto)
  wipLimits?: WipLimitsDto;
}

/** Every field of a create is optional in an update, which should name the version it read. */
export class UpdateWorkflowDto extends PartialType(CreateWorkflowDto) implements UpdateWorkflowRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class AssignAgentsDto implements AssignAgentsRequest {
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  agentIds!: string[];
}

export class ListWorkflowsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(WORKFLOW_STATUSES)
  status?: WorkflowStatus;

  /** `true` lists archived workflows too. */
  @IsOptional()
  @IsIn(['true', 'false'])
  includeArchived?: 'true' | 'false';
}
