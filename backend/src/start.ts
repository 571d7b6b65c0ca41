import { Logger } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { createApp } from './app.factory';
import { startDemo } from './demo/demo-agents';
import { loadConfig } from './config';
import { databaseLogins, ensureRuntimeLogin } from './database/credentials';
import { runMigrations } from './database/migrate';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres';
import { assertAdminPassword } from './modules/auth/password-policy';
import { gracefulShutdown } from './modules/health/graceful-shutdown';
import { seedAdmin } from './seed-admin';
import { box, readCredentials, saveCredentials, CREDENTIALS_FILE } from './startup-banner';
import { join } from 'node:path';

export interface RunningTandem {
  url: string;
  /** Stops the demo agents, drains and closes the app, then stops the embedded database; answers if it was clean. */
  stop(signal?: string): Promise<boolean>;
}

/**
 * `npm start`: with no DATABASE_URL an embedded PostgreSQL in TANDEM_DATA_DIR; migrations; the first admin;
 * then HTTP and Socket.IO on PORT, the demo agents on the embedded database, and last the box with the URL and
 * the admin's credentials. Logs and the box go to stdout, or both to `output` (tests read what a person would see).
 */
export async function startTandem(output?: DestinationStream): Promise<RunningTandem> {
  const print = (text: string) => (output ? output.write(`${text}\n`) : console.log(text));
  const logger = new Logger('Tandem');
  const config = loadConfig();
  // Before anything starts: a weak ADMIN_PASSWORD is a configuration error, named as such.
  assertAdminPassword(config.adminPassword);
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    logger.log(`No DATABASE_URL: starting the embedded PostgreSQL in ${config.dataDir}`);
    embedded = await startEmbeddedPostgres(config.dataDir, { runtimeRole: config.dbRole });
  }
  try {
    const logins = databaseLogins(config, embedded);
    if (logins.shared) {
      logger.warn(
        'MIGRATION_DATABASE_URL is unset: migrations, retention and the server share DATABASE_URL. The audit log is ' +
          'protected from the server only if that login has no owner rights (see README, "Database logins").',
      );
    }
    // In a cluster the one-shot migrate job migrates (TANDEM_MIGRATE_ON_START=0), never several nodes at once.
    await ensureRuntimeLogin(logins);
    if (config.migrateOnStart) {
      const applied = await runMigrations(logins.ownerUrl);
      if (applied.length) logger.log(`Applied migrations: ${applied.join(', ')}`);
    }
    const app = await createApp({
      databaseUrl: logins.runtimeUrl,
      ownerDatabaseUrl: logins.shared ? undefined : logins.ownerUrl,
      redisUrl: config.redisUrl,
      ...(output ? { logger: { destination: output } } : {}),
    });
    // Two nodes starting together may both find no user: the loser of that race leaves the admin to the winner.
    const admin = await seedAdmin(app, config).catch((error: unknown) => {
      if (error instanceof UniqueConstraintViolationException) return null;
      throw error;
    });
    await app.listen(config.port, '0.0.0.0');
    const url = `http://localhost:${config.port}`;
    // A generated password is also kept, readable by the owner only, in the data folder (embedded runs).
    const savedTo =
      admin?.generated && embedded ? saveCredentials(config.dataDir, admin.email, admin.password) : undefined;
    // The embedded database gets simulated agents (DEMO=0: none); a restart resumes them with the saved login.
    const demoLogin = admin ?? (embedded ? (readCredentials(config.dataDir) ?? null) : null);
    const demo =
      embedded && demoLogin && config.demo
        ? await startDemo({
            baseUrl: `http://127.0.0.1:${config.port}`,
            adminEmail: demoLogin.email,
            adminPassword: demoLogin.password,
            paceMs: config.demoPaceMs,
            commentEveryMs: config.demoCommentEveryMs,
            log: (line) => logger.debug(line), // the demo's chatter must not scroll the box away
          }).catch((error: unknown) => {
            logger.warn(`Demo agents did not start: ${error instanceof Error ? error.message : String(error)}`);
            return null;
          })
        : null;
    const lines = [`Tandem is running at ${url}`, `API ${url}/api · docs ${url}/api/docs`];
    if (admin) {
      lines.push(`Admin: ${admin.email} / ${admin.generated ? admin.password : '(ADMIN_PASSWORD)'}`);
      if (savedTo) lines.push(`Saved (owner-only) in ${savedTo}; change it after signing in.`);
    } else if (embedded && readCredentials(config.dataDir)) {
      lines.push(`Admin credentials: ${join(config.dataDir, CREDENTIALS_FILE)}`);
    }
    if (demo) lines.push('Demo agents are at work (DEMO=0 turns them off).');
    print(`\n${box(lines)}\n`);
    let stopping: Promise<boolean> | null = null;
    const stop = (signal = 'stop') =>
      (stopping ??= (async () => {
        await demo?.stop();
        logger.log(`${signal}: draining, then shutting down (at most 10 s)`);
        const clean = await gracefulShutdown(app, { timeoutMs: 10_000, logger });
        await embedded?.stop();
        return clean;
      })());
    return { url, stop };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
