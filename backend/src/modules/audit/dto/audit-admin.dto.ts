import { PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import type { AuditRetentionRequest } from '@tandem/shared';
import { AuditFilterDto } from './audit-query.dto';

/** `GET /api/audit/verify?from=&to=`: a seq range (inclusive); both default to the whole remaining log. */
export class AuditVerifyDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  from?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  to?: number;
}

export class AuditExportDto extends AuditFilterDto {
  @IsIn(['csv', 'ndjson'])
  format!: 'csv' | 'ndjson';
}

export class AuditRetentionDto implements AuditRetentionRequest {
  @IsISO8601()
  before!: string;
}

export class AuditOversightDto extends PickType(AuditFilterDto, ['from', 'to', 'workflowId'] as const) {
  /** An approval faster than this counts towards the rubber-stamp warning. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  rubberStampSeconds?: number;
}

/** `GET /api/audit/checkpoints?limit=&cursor=`: newest first; `cursor` is the last seq of the previous page. */
export class AuditCheckpointsDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  cursor?: number;
}
