import { randomUUID } from 'node:crypto';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { loadConfig } from '../config';
import { AgentsModule } from '../modules/agents/agents.module';
import { AuthModule } from '../modules/auth/auth.module';
import { WorkflowsModule } from '../modules/workflows/workflows.module';
import { AgentPresenceLink } from './agent-presence.link';
import { ChannelAccess } from './channel-access.service';
import { EventLog } from './event-log.service';
import { MemoryPresenceStore, RedisPresenceStore } from './presence-store';
import { PresenceService } from './presence.service';
import { RealtimeGateway } from './realtime.gateway';
import { SocketAuthority } from './socket-authority.service';
import { RealtimeRedis } from './realtime-redis';
import { REALTIME_OPTIONS, type RealtimeOptions } from './realtime.options';

/** Closes this node's Redis connections last, after the gateway took its presence out of Redis. */
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(RealtimeRedis) private readonly redis: RealtimeRedis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}

/** Depends on feature modules (auth, agents, workflows); no feature module imports it. */
@Module({})
export class RealtimeModule {
  static forRoot(options: { redisUrl?: string }): DynamicModule {
    const config = loadConfig();
    const realtimeOptions: RealtimeOptions = {
      redisUrl: options.redisUrl,
      redisPrefix: config.redisPrefix,
      nodeId: `${config.nodeId}-${randomUUID().slice(0, 8)}`,
    };
    return {
      module: RealtimeModule,
      imports: [AuthModule, AgentsModule, WorkflowsModule],
      providers: [
        { provide: REALTIME_OPTIONS, useValue: realtimeOptions },
        {
          provide: RealtimeRedis,
          useFactory: () =>
            options.redisUrl ? RealtimeRedis.connect(options.redisUrl, config.redisPubSub.clusterNodes) : null,
        },
        {
          provide: PresenceService,
          inject: [RealtimeRedis],
          useFactory: (redis: RealtimeRedis | null) =>
            new PresenceService(
              redis ? new RedisPresenceStore(redis.cmd) : new MemoryPresenceStore(),
              realtimeOptions.redisPrefix,
              realtimeOptions.nodeId,
            ),
        },
        RedisCloser,
        EventLog,
        ChannelAccess,
        SocketAuthority,
        RealtimeGateway,
        AgentPresenceLink,
      ],
      exports: [PresenceService, RealtimeRedis, RealtimeGateway, REALTIME_OPTIONS],
    };
  }
}
