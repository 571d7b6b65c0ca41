import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { Page } from '@tandem/shared';

/** `?limit=&cursor=`: lists page by id (UUIDv7 ids sort by creation time). */
export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  /** The id of the last item of the previous page: a UUID (anything else was a database error, a 500). */
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'cursor must be a UUID' })
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 50;

/** Takes rows fetched with `limit + 1` and answers `{items, nextCursor}`. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]) : null };
}
