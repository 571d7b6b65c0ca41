import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AuthModule } from '../auth/auth.module';
import { CommentsModule } from '../comments/comments.module';
import { TasksModule } from '../tasks/tasks.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { SuggestionCounts } from './suggestion-counts.service';
import { SuggestionApplier } from './suggestion-applier.service';
import { SuggestionDecisions } from './suggestion-decisions.service';
import { SuggestionScheduler } from './suggestion-scheduler.service';
import { SuggestionWaiter } from './suggestion-waiter.service';
import { SuggestionsController } from './suggestions.controller';
import { SuggestionsService } from './suggestions.service';
import { SuggestionEntity } from './entities/suggestion.entity';

@Module({
  imports: [MikroOrmModule.forFeature([SuggestionEntity]), WorkflowsModule, TasksModule, CommentsModule, AuthModule],
  controllers: [SuggestionsController],
  providers: [
    SuggestionsService,
    SuggestionDecisions,
    SuggestionApplier,
    SuggestionWaiter,
    SuggestionScheduler,
    SuggestionCounts,
  ],
  exports: [SuggestionsService, SuggestionDecisions],
})
export class SuggestionsModule {}
