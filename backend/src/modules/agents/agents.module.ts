import { Module } from '@nestjs/common';
import { AgentPresencePort } from './agent-presence.port';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

@Module({
  controllers: [AgentsController],
  providers: [AgentsService, AgentPresencePort],
  exports: [AgentsService, AgentPresencePort],
})
export class AgentsModule {}
