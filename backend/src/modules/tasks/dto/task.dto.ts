import { PickType } from '@nestjs/swagger';
import { AuditQueryDto } from '../../audit/dto/audit-query.dto';
import { Type } from 'class-transformer';
import { IsSaneDate } from '../../../common/input-guard';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  type ClaimTaskRequest,
  type CreateTaskRequest,
  type DeleteTaskRequest,
  type MoveTaskRequest,
  type TaskPriority,
  type TaskStatus,
  type UpdateTaskRequest,
} from '@tandem/shared';

export const TITLE_MAX = 2000;
export const DESCRIPTION_MAX = 50_000;

/** The editable fields other than the title, shared by create and update (and reusable by suggestion payloads). */
export class TaskDetailsDto {
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  /** ISO date-time; null clears it. */
  @IsOptional()
  @IsSaneDate()
  dueDate?: string | null;

  /** The assigned agent; null clears it. */
  @IsOptional()
  @IsUUID()
  agentId?: string | null;

  /** The assigned human; null clears it. */
  @IsOptional()
  @IsUUID()
  assigneeUserId?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  labels?: string[];
}

export class CreateTaskDto extends TaskDetailsDto implements CreateTaskRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(TITLE_MAX)
  title!: string;

  /** The column to create it in (default `pending`); it goes to the end of that column. */
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;
}

export class UpdateTaskDto extends TaskDetailsDto implements UpdateTaskRequest {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(TITLE_MAX)
  title?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

/**
 * Where a task goes: `status`, between two neighbours as the client sees them. `beforeId` is the task that will sit
 * just ABOVE the moved one, `afterId` the one just BELOW. With one neighbour, the task lands right next to it in
 * the full column (so a move in a filtered view is placed correctly among hidden cards); with none, at the end.
 * Also the payload of a `task.move` suggestion.
 */
export class TaskPlacementDto {
  @IsIn(TASK_STATUSES)
  status!: TaskStatus;

  @IsOptional()
  @IsUUID()
  beforeId?: string | null;

  @IsOptional()
  @IsUUID()
  afterId?: string | null;
}

export class MoveTaskDto extends TaskPlacementDto implements MoveTaskRequest {
  @IsInt()
  @Min(1)
  version!: number;
}

/** DELETE's version, from the body or from `?version=` (some clients cannot send a DELETE body). */
export class DeleteTaskDto implements DeleteTaskRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class DeleteTaskQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

export const DEFAULT_CLAIM_SECONDS = 300;

export class ClaimTaskDto implements ClaimTaskRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 3600)
  ttlSeconds?: number;
}

/** `GET /api/tasks/:id/history`: the audit log's paging (seq cursor, either direction; newest first by default). */
export class TaskHistoryQueryDto extends PickType(AuditQueryDto, ['limit', 'cursor', 'order'] as const) {}
