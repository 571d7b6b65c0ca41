import { Global, Module } from '@nestjs/common';
import { EventBus } from '../../common/event-bus';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditController } from './audit.controller';
import { AuditExportService } from './audit-export.service';
import { AuditOversightService } from './audit-oversight.service';
import { AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditVerifyService } from './audit-verify.service';
import { AuditService } from './audit.service';
import { WritePath } from './write-path.service';

/** Global: every feature writes through WritePath, which appends here. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [
    EventBus,
    AuditService,
    WritePath,
    AuditQueryService,
    AuditVerifyService,
    AuditExportService,
    AuditRetentionService,
    AuditOversightService,
    AuditCheckpointService,
  ],
  exports: [EventBus, AuditService, WritePath, AuditQueryService],
})
export class AuditModule {}
