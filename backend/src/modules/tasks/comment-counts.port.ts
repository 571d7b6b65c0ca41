import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Port } from '../../common/port';

/** Live comments per task come from the comments module (which owns the table); it plugs itself in. */
export interface CommentCounter {
  /** Comments not deleted, per task, for these tasks or for every task of one workflow. */
  commentsByTask(
    em: EntityManager,
    where: { taskIds: string[] } | { workflowId: string },
  ): Promise<Map<string, number>>;
}

@Injectable()
export class CommentCountsPort extends Port<CommentCounter> {}
