import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { AuditModule } from '../audit/audit.module';
import { TaskClaimsService } from './task-claims.service';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({
  imports: [WorkflowsModule, AuditModule],
  controllers: [TasksController],
  providers: [TasksService, TaskClaimsService],
  exports: [TasksService],
})
export class TasksModule {}
