import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
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
  providers: [EventBus, AuditService, WritePath, { provide: APP_INTERCEPTOR, useClass: RefusalInterceptor }],
  exports: [EventBus, AuditService, WritePath],
})
export class CoreModule {}
