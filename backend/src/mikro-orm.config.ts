import { defineConfig } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../migrations';
import { AgentEntity } from './modules/agents/entities/agent.entity';
import { AuditEntryEntity } from './modules/audit/entities/audit-entry.entity';
import { SessionEntity } from './modules/auth/entities/session.entity';
import { CommentEntity } from './modules/comments/entities/comment.entity';
import { SuggestionEntity } from './modules/suggestions/entities/suggestion.entity';
import { TaskEntity } from './modules/tasks/entities/task.entity';
import { UserEntity } from './modules/users/entities/user.entity';
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
  AgentEntity,
  WorkflowEntity,
  WorkflowAgentEntity,
  TaskEntity,
  SuggestionEntity,
  CommentEntity,
  AuditEntryEntity,
];

/**
 * `role`: the database role the app's transactions run as (`SET ROLE` on every new pooled connection), so the
 * app has only the privileges the audit migration gives `tandem_app` (no UPDATE/DELETE/TRUNCATE on audit_log).
 * Migrations run without it, as the connecting owner.
 * `autoLoadEntities`: the entities come from the modules' `forFeature` (the app), not from the list above.
 */
export function ormConfig(
  clientUrl: string,
  poolMax = 10,
  options: { role?: string; autoLoadEntities?: boolean } = {},
) {
  const { role, autoLoadEntities = false } = options;
  return defineConfig({
    clientUrl,
    onCreateConnection: role
      ? async (connection: unknown) => {
          const raw = connection as { executeQuery(query: { sql: string; parameters: unknown[] }): Promise<unknown> };
          await raw.executeQuery({ sql: `set role "${role.replace(/"/g, '""')}"`, parameters: [] });
        }
      : undefined,
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
