import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { WorkflowAccess } from './workflow-access.service';
import { WorkflowProgressPort } from './workflow-progress.port';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsService } from './workflows.service';
import { WorkflowAgentEntity } from './entities/workflow-agent.entity';
import { WorkflowEntity } from './entities/workflow.entity';

@Module({
  imports: [MikroOrmModule.forFeature([WorkflowEntity, WorkflowAgentEntity])],
  controllers: [WorkflowsController],
  providers: [WorkflowsService, WorkflowAccess, WorkflowProgressPort],
  exports: [WorkflowsService, WorkflowAccess, WorkflowProgressPort],
})
export class WorkflowsModule {}
