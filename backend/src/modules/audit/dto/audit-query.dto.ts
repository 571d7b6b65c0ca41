import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import {
  ACTOR_TYPES,
  AUDIT_OUTCOMES,
  ENTITY_TYPES,
  type ActorType,
  type AuditOutcome,
  type AuditExportFilter,
  type EntityType,
} from '@tandem/shared';

/** Filters shared by search, export and verify. */
export class AuditFilterDto implements AuditExportFilter {
  @IsOptional()
  @IsISO8601()
  from?: string;

  @IsOptional()
  @IsISO8601()
  to?: string;

  @IsOptional()
  @IsIn(ACTOR_TYPES)
  actorType?: ActorType;

  @IsOptional()
  @IsUUID()
  actorId?: string;

  /** Exact (`task.moved`) or a prefix (`suggestion.*`). */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]+(\.[a-z_]+|\.\*)?$/)
  action?: string;

  @IsOptional()
  @IsIn(ENTITY_TYPES)
  entityType?: EntityType;

  @IsOptional()
  @IsUUID()
  entityId?: string;

  @IsOptional()
  @IsUUID()
  workflowId?: string;

  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  /** Seq bounds (inclusive), e.g. to pin an export so its CSV and its manifest describe the same entries. */
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  fromSeq?: string;

  @IsOptional()
  @Matches(/^\d{1,18}$/)
  toSeq?: string;
}

export class AuditQueryDto extends AuditFilterDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  /** A seq: the page continues after it in the chosen order. */
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  cursor?: string;

  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

/** `GET /api/audit/activity?limit=`: the dashboard's recent activity (at most 100). */
export class ActivityQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
