import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AgentPresencePort } from '../modules/agents/agent-presence.port';
import { AgentsService } from '../modules/agents/agents.service';
import { PresenceService } from './presence.service';

/**
 * Realtime depends on the agents module, never the reverse: presence answers the agents module's
 * `AgentPresencePort`, and persists "last seen" through `AgentsService`.
 */
@Injectable()
export class AgentPresenceLink implements OnModuleInit {
  constructor(
    private readonly presence: PresenceService,
    private readonly port: AgentPresencePort,
    private readonly agents: AgentsService,
  ) {}

  onModuleInit(): void {
    this.port.plug(this.presence);
    this.presence.touchAgents = (ids) => this.agents.touchLastSeen(ids);
  }
}
