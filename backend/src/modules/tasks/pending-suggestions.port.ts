import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Port } from '../../common/port';

/** Pending suggestions per task come from the suggestions module (which owns the table); it plugs itself in. */
export interface PendingSuggestionCounter {
  /** Pending suggestions per task, for these tasks, or for every task of one workflow. */
  pendingByTask(em: EntityManager, where: { taskIds: string[] } | { workflowId: string }): Promise<Map<string, number>>;
}

@Injectable()
export class PendingSuggestionsPort extends Port<PendingSuggestionCounter> {}
