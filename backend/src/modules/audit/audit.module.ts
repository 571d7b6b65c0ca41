import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditController } from './audit.controller';
import { AuditExportService } from './audit-export.service';
import { AuditOversightService } from './audit-oversight.service';
import { ActivityService, AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditVerifyService } from './audit-verify.service';
import { AuditEntryEntity } from './entities/audit-entry.entity';

/** Reading, verifying, exporting and retaining the audit log; the append itself is in `core/`. */
@Module({
  imports: [MikroOrmModule.forFeature([AuditEntryEntity])],
  controllers: [AuditController],
  providers: [
    AuditQueryService,
    ActivityService,
    AuditVerifyService,
    AuditExportService,
    AuditRetentionService,
    AuditOversightService,
    AuditCheckpointService,
  ],
  exports: [AuditQueryService],
})
export class AuditModule {}
