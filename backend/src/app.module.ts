import { Module, type DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { APP_GUARD } from '@nestjs/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AuthGuard } from './common/auth.guard';
import { loggerModule } from './common/logger';
import { RateLimitModule } from './common/rate-limit';
import { loadConfig } from './config';
import { MaintenanceModule } from './database/maintenance.module';
import { CoreModule } from './core/core.module';
import { ormConfig } from './mikro-orm.config';
import { AgentsModule } from './modules/agents/agents.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { CommentsModule } from './modules/comments/comments.module';
import { HealthModule } from './modules/health/health.module';
import { InterruptsModule } from './modules/interrupts/interrupts.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { SuggestionsModule } from './modules/suggestions/suggestions.module';
import { TasksModule } from './modules/tasks/tasks.module';
import { UsersModule } from './modules/users/users.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { WorkflowsModule } from './modules/workflows/workflows.module';
import { RealtimeModule } from './realtime/realtime.module';

export interface AppOptions {
  /** The runtime login (no owner rights: it may only read and append the audit log). */
  databaseUrl: string;
  /** The owner/maintenance login, for audit retention; unset: retention runs on `databaseUrl`. */
  ownerDatabaseUrl?: string;
  /** Fan-out and presence across nodes; without it a single node with in-memory Socket.IO. */
  redisUrl?: string;
  /** `false`: no logs at all (the tests); otherwise JSON lines on stdout, or on `destination`. */
  logger?: false | { destination?: DestinationStream };
}

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...(options.logger === false ? [] : [loggerModule(options.logger?.destination)]),
        MikroOrmModule.forRoot({
          ...ormConfig(options.databaseUrl, 10, { autoLoadEntities: true }),
          autoLoadEntities: true,
          registerRequestContext: false,
        }),
        MaintenanceModule.forRoot(options.ownerDatabaseUrl),
        CoreModule,
        AuditModule,
        AuthModule,
        UsersModule,
        AgentsModule,
        WorkflowsModule,
        TasksModule,
        CommentsModule,
        SuggestionsModule,
        InterruptsModule,
        WebhooksModule,
        NotificationsModule,
        RealtimeModule.forRoot({ redisUrl: options.redisUrl }),
        HealthModule.forRoot({ redisUrl: options.redisUrl }),
        RateLimitModule.forRoot({
          redisUrl: options.redisUrl,
          prefix: loadConfig().redisPrefix,
          limits: loadConfig().rateLimits,
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
