import { defineConfig } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../migrations';
import { AgentEntity } from './modules/agents/entities/agent.entity';
import { AuditEntryEntity } from './modules/audit/entities/audit-entry.entity';
import { MfaChallengeEntity } from './modules/auth/entities/mfa-challenge.entity';
import { SessionEntity } from './modules/auth/entities/session.entity';
import { CommentEntity } from './modules/comments/entities/comment.entity';
import { NotificationPreferencesEntity } from './modules/notifications/entities/notification-preferences.entity';
import { NotificationEntity } from './modules/notifications/entities/notification.entity';
import { SuggestionEntity } from './modules/suggestions/entities/suggestion.entity';
import { TaskEntity } from './modules/tasks/entities/task.entity';
import { UserEntity } from './modules/users/entities/user.entity';
import { WebhookEntity } from './modules/webhooks/entities/webhook.entity';
import { WorkflowAgentEntity } from './modules/workflows/entities/workflow-agent.entity';
import { WorkflowEntity } from './modules/workflows/entities/workflow.entity';
import { loadConfig } from './config';

/**
 * Every entity, for the tools that see the whole schema at once (migrations, `migration:create`). The app itself
 * does not use this list: each module registers the entities it owns with `MikroOrmModule.forFeature`.
 */
export const entities = [
  UserEntity,
  SessionEntity,
  MfaChallengeEntity,
  AgentEntity,
  WorkflowEntity,
  WorkflowAgentEntity,
  TaskEntity,
  SuggestionEntity,
  CommentEntity,
  AuditEntryEntity,
  NotificationEntity,
  NotificationPreferencesEntity,
  WebhookEntity,
];

/**
 * One connection setting for the server and for migrations: which login it is (runtime or owner) is in the URL
 * (see `database/credentials.ts`). The server never switches roles in a session.
 * `autoLoadEntities`: the entities come from the modules' `forFeature` (the app), not from the list above.
 */
export function ormConfig(clientUrl: string, poolMax = 10, options: { autoLoadEntities?: boolean } = {}) {
  const { autoLoadEntities = false } = options;
  return defineConfig({
    clientUrl,
    entities: autoLoadEntities ? [] : entities,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    pool: { min: 0, max: poolMax },
    // Nest resolves request-scoped EMs through RequestContext; forks are explicit everywhere else.
    allowGlobalContext: false,
    migrations: {
      migrationsList,
      path: loadConfig().migrationsDir,
      emit: 'ts',
      snapshotOnMigrate: false,
      snapshotName: '.snapshot-tandem',
      silent: true,
    },
    debug: loadConfig().sqlDebug,
  });
}
