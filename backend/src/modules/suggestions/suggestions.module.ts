import { Module, type OnModuleInit } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AgentsModule } from '../agents/agents.module';
import { AuthModule } from '../auth/auth.module';
import { CommentsModule } from '../comments/comments.module';
import { TasksModule } from '../tasks/tasks.module';
import { TaskCountsPort } from '../tasks/task-counts.port';
import { WorkflowsModule } from '../workflows/workflows.module';
import { SuggestionApplier } from './suggestion-applier.service';
import { SuggestionDecisions } from './suggestion-decisions.service';
import { SuggestionScheduler } from './suggestion-scheduler.service';
import { SuggestionWaiter } from './suggestion-waiter.service';
import { SuggestionsController } from './suggestions.controller';
import { SuggestionsService } from './suggestions.service';
import { SuggestionEntity } from './entities/suggestion.entity';

@Module({
  imports: [
    MikroOrmModule.forFeature([SuggestionEntity]),
    WorkflowsModule,
    TasksModule,
    CommentsModule,
    AuthModule,
    AgentsModule,
  ],
  controllers: [SuggestionsController],
  providers: [SuggestionsService, SuggestionDecisions, SuggestionApplier, SuggestionWaiter, SuggestionScheduler],
  exports: [SuggestionsService, SuggestionDecisions],
})
export class SuggestionsModule implements OnModuleInit {
  constructor(private readonly taskCounts: TaskCountsPort) {}

  /** The board's per-task count of this module's table. */
  onModuleInit(): void {
    this.taskCounts.plug('pendingSuggestions', { table: 'suggestions', condition: "status = 'pending'" });
  }
}
