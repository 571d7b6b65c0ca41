import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AgentsModule } from '../agents/agents.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { AuditModule } from '../audit/audit.module';
import { CommentCountsPort } from './comment-counts.port';
import { PendingSuggestionsPort } from './pending-suggestions.port';
import { TaskClaimsService } from './task-claims.service';
import { TaskStatsService } from './task-stats.service';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';
import { TaskEntity } from './entities/task.entity';

@Module({
  imports: [MikroOrmModule.forFeature([TaskEntity]), WorkflowsModule, AgentsModule, AuditModule],
  controllers: [TasksController],
  providers: [TasksService, TaskClaimsService, TaskStatsService, PendingSuggestionsPort, CommentCountsPort],
  exports: [TasksService, PendingSuggestionsPort, CommentCountsPort],
})
export class TasksModule {}
