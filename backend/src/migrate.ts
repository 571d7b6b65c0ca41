import 'reflect-metadata';
import { loadConfig, StartupError } from './config';
import { runMigrations } from './database/migrate';
import { startEmbeddedPostgres } from './database/embedded-postgres';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
async function main() {
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  try {
    const applied = await runMigrations(config.databaseUrl ?? embedded!.url);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
