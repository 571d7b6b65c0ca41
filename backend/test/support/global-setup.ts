import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../../src/database/migrate';
import { adminQuery, databaseUrl, REDIS_URL, RUNTIME_PASSWORD, RUNTIME_ROLE } from './services';

/**
 * The runtime login the apps under test use, as in production (the embedded database makes the same one): it may
 * log in, and it is nothing more. Roles are cluster-wide and runs start concurrently, hence the retry on a race.
 */
async function ensureRuntimeLogin(): Promise<void> {
  const role = `"${RUNTIME_ROLE.replace(/"/g, '""')}"`;
  await adminQuery(`do $$ begin
    begin
      create role ${role} login password '${RUNTIME_PASSWORD}';
    exception when duplicate_object or unique_violation then
      alter role ${role} login nosuperuser nocreaterole nocreatedb nobypassrls password '${RUNTIME_PASSWORD}';
    end;
  end $$`);
}

function redisReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * One migrated template database per test run; every test file clones it (CREATE DATABASE ... TEMPLATE), so
 * files are isolated and the audit log of each holds only what its tests wrote.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const template = `tandem_test_${runId}_tpl`;
  await ensureRuntimeLogin();
  await adminQuery(`create database ${template}`);
  await runMigrations(databaseUrl(template));
  // Signing keys and checkpoint files of the run stay out of the working tree (one folder per file: data-dir.ts).
  process.env.TANDEM_TEST_DATA_ROOT = mkdtempSync(join(tmpdir(), `tandem-test-${runId}-`));
  process.env.TANDEM_TEST_RUN = runId;
  process.env.TANDEM_TEST_TEMPLATE = template;
  process.env.TANDEM_REDIS_PREFIX = `tandem-test-${runId}`;
  if (!(await redisReachable(REDIS_URL))) {
    throw new Error(
      `Tests need Redis at ${REDIS_URL}. Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 ` +
        `--save "" --appendonly no`,
    );
  }
}
