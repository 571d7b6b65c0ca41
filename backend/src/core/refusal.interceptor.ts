import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, from, switchMap, throwError, type Observable } from 'rxjs';
import { AuditService } from './audit.service';
import { AuditedRefusal } from './refusal';

/** Audits refusals thrown outside a write (reads), once the handler is done with its connections. */
@Injectable()
export class RefusalInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          error instanceof AuditedRefusal
            ? from(this.audit.recordRefusal(error)).pipe(switchMap(() => throwError(() => error)))
            : throwError(() => error),
        ),
      );
  }
}
