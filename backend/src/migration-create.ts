/**
 * Generates a migration from the difference between the entities and the database (`npm run migration:create`),
 * then registers it in migrations/index.ts. Needs a database: DATABASE_URL, or the embedded one.
 */
import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from './config';
import { databaseLogins } from './database/credentials';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { ormConfig } from './mikro-orm.config';

async function main() {
  const config = loadConfig();
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres(config.dataDir, { runtimeRole: config.dbRole });
  const orm = await MikroORM.init(ormConfig(databaseLogins(config, embedded).ownerUrl));
  try {
    await orm.migrator.up();
    const name = process.argv[2];
    const result = await orm.migrator.create(config.migrationsDir, false, false, name);
    if (!result.fileName) {
      console.log('No changes: entities and database agree.');
      return;
    }
    const className = result.fileName.replace(/\.ts$/, '');
    const indexPath = join(config.migrationsDir, 'index.ts');
    const index = await readFile(indexPath, 'utf8');
    const withImport = index.replace(
      /(\nexport const migrationsList)/,
      `import { ${className} } from './${className}';\n$1`,
    );
    await writeFile(indexPath, withImport.replace(/(\];\s*)$/, `  { name: '${className}', class: ${className} },\n$1`));
    console.log(`Created migrations/${result.fileName} and registered it in migrations/index.ts`);
  } finally {
    await orm.close();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
