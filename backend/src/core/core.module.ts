import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { REFUSAL_RECORDER } from '../common/auth-ports';
import { AuditService } from './audit.service';
import { EventBus } from './event-bus';
import { RefusalInterceptor } from './refusal.interceptor';
import { WritePath } from './write-path.service';

/**
 * The write path (change → audit → commit → publish), the audit append and the event bus: the one core every
 * feature writes through. Global because every module needs it; it imports no feature.
 */
@Global()
@Module({
  providers: [
    EventBus,
    AuditService,
    WritePath,
    { provide: REFUSAL_RECORDER, useExisting: AuditService },
    { provide: APP_INTERCEPTOR, useClass: RefusalInterceptor },
  ],
  exports: [EventBus, AuditService, WritePath, REFUSAL_RECORDER],
})
export class CoreModule {}
