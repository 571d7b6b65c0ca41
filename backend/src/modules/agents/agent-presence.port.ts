import { Injectable } from '@nestjs/common';
import type { AgentStatus } from '@tandem/shared';
import { Port } from '../../common/port';

/** Live agent status from connections on every node (DESIGN 3); `realtime/` implements it. */
export interface AgentPresence {
  /** Agents with at least one live connection, and their status; absent agents are offline. */
  agentStatuses(): Promise<Map<string, AgentStatus>>;
}

/** Without an implementation (no realtime), an agent's status is the one stored on its row. */
@Injectable()
export class AgentPresencePort extends Port<AgentPresence> {}
