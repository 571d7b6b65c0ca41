import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CommentsModule } from '../comments/comments.module';
import { TasksModule } from '../tasks/tasks.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { SuggestionApplier } from './suggestion-applier.service';
import { SuggestionDecisions } from './suggestion-decisions.service';
import { SuggestionScheduler } from './suggestion-scheduler.service';
import { SuggestionWaiter } from './suggestion-waiter.service';
import { SuggestionsController } from './suggestions.controller';
import { SuggestionsService } from './suggestions.service';

@Module({
  imports: [WorkflowsModule, TasksModule, CommentsModule, AuthModule],
  controllers: [SuggestionsController],
  providers: [SuggestionsService, SuggestionDecisions, SuggestionApplier, SuggestionWaiter, SuggestionScheduler],
  exports: [SuggestionsService, SuggestionDecisions],
})
export class SuggestionsModule {}
