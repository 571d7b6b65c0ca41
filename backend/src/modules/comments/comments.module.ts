import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { TasksModule } from '../tasks/tasks.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { CommentCounts } from './comment-counts.service';
import { CommentsController } from './comments.controller';
import { CommentsService } from './comments.service';
import { CommentEntity } from './entities/comment.entity';

@Module({
  imports: [MikroOrmModule.forFeature([CommentEntity]), WorkflowsModule, TasksModule],
  controllers: [CommentsController],
  providers: [CommentsService, CommentCounts],
  exports: [CommentsService],
})
export class CommentsModule {}
