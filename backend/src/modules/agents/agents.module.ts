import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AgentPresencePort } from './agent-presence.port';
import { AgentTaskStatsPort } from './agent-task-stats.port';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { AgentEntity } from './entities/agent.entity';

@Module({
  imports: [MikroOrmModule.forFeature([AgentEntity])],
  controllers: [AgentsController],
  providers: [AgentsService, AgentPresencePort, AgentTaskStatsPort],
  exports: [AgentsService, AgentPresencePort, AgentTaskStatsPort],
})
export class AgentsModule {}
