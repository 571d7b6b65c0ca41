import { Type } from 'class-transformer';
import {
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
  ArrayMaxSize,
  ArrayMinSize,
} from 'class-validator';
import type { CreateInterruptRequest } from '@tandem/shared';
import {
  ActionRequestPayload,
  InterruptConfigPayload,
  InterruptPayload,
} from '../../suggestions/dto/suggestion-payloads';

export const MAX_INTERRUPTS_PER_POST = 50;

/**
 * One HumanInterrupt plus where it belongs; or `interrupts` (several, one suggestion each). A bare JSON array of
 * these is taken too (then each names its workflow, or the query does).
 */
export class CreateInterruptDto implements CreateInterruptRequest {
  @IsOptional()
  @IsUUID()
  workflowId!: string;

  @IsOptional()
  @IsUUID()
  taskId?: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ActionRequestPayload)
  action_request?: ActionRequestPayload;

  @IsOptional()
  @ValidateNested()
  @Type(() => InterruptConfigPayload)
  config?: InterruptConfigPayload;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INTERRUPTS_PER_POST)
  @ValidateNested({ each: true })
  @Type(() => InterruptPayload)
  interrupts?: InterruptPayload[];
}

export class InterruptTargetQueryDto {
  @IsOptional()
  @IsUUID()
  workflowId?: string;

  @IsOptional()
  @IsUUID()
  taskId?: string;
}
