import { Module } from '@nestjs/common';
import { WorkflowAccess } from './workflow-access.service';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsService } from './workflows.service';

@Module({
  controllers: [WorkflowsController],
  providers: [WorkflowsService, WorkflowAccess],
  exports: [WorkflowsService, WorkflowAccess],
})
export class WorkflowsModule {}
