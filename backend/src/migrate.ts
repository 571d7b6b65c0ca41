import 'reflect-metadata';
import { loadConfig, StartupError } from './config';
import { databaseLogins, ensureRuntimeLogin } from './database/credentials';
import { runMigrations } from './database/migrate';
import { startEmbeddedPostgres } from './database/embedded-postgres';

/**
 * `npm run migrate`: applies pending migrations as the owner (MIGRATION_DATABASE_URL, else DATABASE_URL, or the
 * embedded database's owner login) and exits.
 */
async function main() {
  const config = loadConfig();
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres(config.dataDir, { runtimeRole: config.dbRole });
  try {
    const logins = databaseLogins(config, embedded);
    await ensureRuntimeLogin(logins);
    const applied = await runMigrations(logins.ownerUrl);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
