import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AgentsModule } from '../agents/agents.module';
import { UsersModule } from '../users/users.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { AuditModule } from '../audit/audit.module';
import { TaskCountsPort } from './task-counts.port';
import { TaskClaimsService } from './task-claims.service';
import { TaskStatsService } from './task-stats.service';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';
import { TaskEntity } from './entities/task.entity';

@Module({
  imports: [MikroOrmModule.forFeature([TaskEntity]), WorkflowsModule, AgentsModule, UsersModule, AuditModule],
  controllers: [TasksController],
  providers: [TasksService, TaskClaimsService, TaskStatsService, TaskCountsPort],
  exports: [TasksService, TaskCountsPort],
})
export class TasksModule {}
