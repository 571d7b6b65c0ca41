import { Module, type OnModuleInit } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { TasksModule } from '../tasks/tasks.module';
import { TaskCountsPort } from '../tasks/task-counts.port';
import { WorkflowsModule } from '../workflows/workflows.module';
import { CommentsController } from './comments.controller';
import { CommentsService } from './comments.service';
import { CommentEntity } from './entities/comment.entity';

@Module({
  imports: [MikroOrmModule.forFeature([CommentEntity]), WorkflowsModule, TasksModule],
  controllers: [CommentsController],
  providers: [CommentsService],
  exports: [CommentsService],
})
export class CommentsModule implements OnModuleInit {
  constructor(private readonly taskCounts: TaskCountsPort) {}

  /** The board's per-task count of this module's table. */
  onModuleInit(): void {
    this.taskCounts.plug('comments', { table: 'comments', condition: 'deleted_at is null' });
  }
}
