import { IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, MinLength } from 'class-validator';
import type { CreateCommentRequest, UpdateCommentRequest } from '@tandem/shared';

/** Markdown is stored as written; the browser renders it safely. */
export const COMMENT_BODY_MAX = 20_000;

export class CreateCommentDto implements CreateCommentRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(COMMENT_BODY_MAX)
  body!: string;

  /** The comment this one replies to; it must be on the same task. */
  @IsOptional()
  @IsUUID()
  parentId?: string | null;
}

export class UpdateCommentDto implements UpdateCommentRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(COMMENT_BODY_MAX)
  body!: string;

  /** When given, a stale version is refused with 409 and the current comment. */
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}
