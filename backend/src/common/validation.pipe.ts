import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '@tandem/shared';
import { AppError, ErrorCode } from './app-error';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Whitelisting validation: unknown fields and wrong types are refused with one entry per bad field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new AppError(
        ErrorCode.ValidationFailed,
        `Invalid request: ${details.map((detail) => detail.field).join(', ')}`,
        { details },
      );
    },
  });
}
