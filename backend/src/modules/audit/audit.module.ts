import { Global, Module } from '@nestjs/common';
import { EventBus } from '../../common/event-bus';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';
import { WritePath } from './write-path.service';

/** Global: every feature writes through WritePath, which appends here. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [EventBus, AuditService, WritePath, AuditQueryService],
  exports: [EventBus, AuditService, WritePath, AuditQueryService],
})
export class AuditModule {}
