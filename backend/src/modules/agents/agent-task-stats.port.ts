import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Port } from '../../common/port';

export interface AgentTaskStats {
  total: number;
  completed: number;
  failed: number;
}

/** Task counts per agent come from the tasks module (which owns the table); it plugs itself in here. */
export interface AgentTaskCounter {
  countsByAgent(em: EntityManager, agentIds: string[]): Promise<Map<string, AgentTaskStats>>;
}

@Injectable()
export class AgentTaskStatsPort extends Port<AgentTaskCounter> {}
