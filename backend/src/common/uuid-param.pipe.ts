import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { AppError, ErrorCode } from './app-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** `:id` route params must be UUIDs: a bad one is a 400, not a database error. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!isUuid(value)) {
      throw new AppError(ErrorCode.ValidationFailed, `${metadata.data ?? 'id'} must be a UUID`, {
        details: [{ field: metadata.data ?? 'id', errors: ['must be a UUID'] }],
      });
    }
    return value.toLowerCase();
  }
}
