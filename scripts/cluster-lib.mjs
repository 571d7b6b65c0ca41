// The local-process form of docker-compose.yml: nginx (Debian's package) in front of N backend nodes, on the
// machine's PostgreSQL and Redis. Used by `npm run cluster`, `npm run bench` and the fault-injection suite.
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  chmodSync,
  readFileSync,
  rmSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MAIN_JS = join(ROOT, 'backend/dist/backend/src/main.js');
export const MIGRATE_JS = join(ROOT, 'backend/dist/backend/src/migrate.js');
export const PG_ADMIN_URL = process.env.TANDEM_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MACHINE_REDIS_URL = 'redis://127.0.0.1:6379';

/** The project's Node 22 (MikroORM 7 needs it), else whatever runs this script. */
export const NODE_BIN = existsSync(join(ROOT, 'node_modules/.bin/node'))
  ? join(ROOT, 'node_modules/.bin/node')
  : process.execPath;

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function portIsBindable(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/**
 * A free port for a server that a test stops and starts again on the same port. It lies below the kernel's
 * ephemeral range (32768 and up), where `listen(0)` and every outgoing connection take their ports, so nothing
 * else grabs it while the server is down. `alsoFree` offsets (a Redis Cluster's bus port is port + 10000) stay
 * below that range too.
 */
export async function freeStablePort({ alsoFree = [] } = {}) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 12_000);
    const ports = [port, ...alsoFree.map((offset) => port + offset)];
    if ((await Promise.all(ports.map(portIsBindable))).every(Boolean)) return port;
  }
  throw new Error('no free port found between 10000 and 22000');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function databaseUrlFor(name) {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates the database on the machine's PostgreSQL unless it exists; returns its URL. */
export async function ensureDatabase(name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const { rowCount } = await adminQuery(`select 1 from pg_database where datname = '${name}'`);
  if (!rowCount) await adminQuery(`create database ${name}`);
  return databaseUrlFor(name);
}

export async function dropDatabase(name) {
  await adminQuery(`drop database if exists ${name} with (force)`);
}

/** Debian's nginx, installed on demand when we are root (as the README says). Null when unavailable. */
export function findNginx({ install = false } = {}) {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(candidate)) return candidate;
  if (install && process.getuid?.() === 0) {
    console.log('nginx is missing: apt-get install -y nginx');
    const result = spawnSync('apt-get', ['install', '-y', '-q', 'nginx'], { stdio: 'inherit' });
    if (result.status === 0) return findNginx();
  }
  return null;
}

export async function waitForHttp(url, { timeoutMs = 30_000, child } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(150);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

function pipeOutput(child, { name, logDir, echo }) {
  const file = logDir ? createWriteStream(join(logDir, `${name}.log`)) : null;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk) => {
      file?.write(chunk);
      if (echo) {
        for (const line of String(chunk).split('\n')) if (line) process.stdout.write(`[${name}] ${line}\n`);
      }
    });
  }
  child.once('exit', () => file?.end());
}

/**
 * The nodes' runtime login on the owner's database (`tandem_app`, as in docker-compose.yml): the migrate job creates
 * it if it is missing; it cannot change the audit log. `databaseUrl` stays the owner's (migrations, retention).
 */
export function runtimeDatabaseUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  url.username = 'tandem_app';
  url.password = 'tandem-app';
  return url.toString();
}

/** Applies the migrations once, as the compose `migrate` job does. */
export function migrate(databaseUrl) {
  const result = spawnSync(NODE_BIN, [MIGRATE_JS], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: runtimeDatabaseUrl(databaseUrl), MIGRATION_DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`migrations failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout.trim();
}

/** One backend process; `start()` again after a kill brings it back on the same port. */
export class BackendNode {
  constructor({ name, port, env, logDir, echo }) {
    Object.assign(this, { name, port, env, logDir, echo });
    this.url = `http://127.0.0.1:${port}`;
    this.child = null;
  }

  get pid() {
    return this.child?.pid;
  }

  get running() {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start() {
    this.child = spawn(NODE_BIN, [MAIN_JS], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port), TANDEM_NODE_ID: this.name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pipeOutput(this.child, this);
    await waitForHttp(`${this.url}/health/ready`, { child: this.child });
    return this;
  }

  /** Sends the signal; resolves once the process is gone (with its exit code, or null when killed). */
  stop(signal = 'SIGTERM') {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolveExit) => {
      child.once('exit', (code) => resolveExit(code));
      child.kill(signal);
    });
  }
}

/** nginx.conf for a private prefix: tandem.conf with its upstreams pointed at the local nodes. */
export function nginxConfig({ prefix, port, backendPorts }) {
  const site = readFileSync(join(ROOT, 'nginx/tandem.conf'), 'utf8');
  const servers = (extra) => backendPorts.map((p) => `    server 127.0.0.1:${p}${extra};`).join('\n');
  // Locally the backend nodes serve the static frontend themselves (as `npm start` does).
  const backend = (name, balance) => [
    `upstream ${name} {`,
    `    ${balance};`,
    servers(' max_fails=1 fail_timeout=5s'),
    '    keepalive 32;',
    '}',
  ];
  const upstreams = [
    ...backend('tandem_backend', 'ip_hash'),
    ...backend('tandem_api', 'least_conn'),
    'upstream tandem_frontend {',
    servers(''),
    '    keepalive 8;',
    '}',
  ].join('\n');
  const local = site
    .replace(/# upstreams:begin[\s\S]*# upstreams:end/, upstreams)
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
  if (local === site) throw new Error('nginx/tandem.conf lost its upstream markers');
  const temp = (name) => `${name}_temp_path ${join(prefix, name)};`;
  return [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    'worker_rlimit_nofile 20000;',
    `pid ${join(prefix, 'nginx.pid')};`,
    'error_log stderr warn;',
    'events { worker_connections 16000; }',
    'http {',
    '  access_log off;',
    '  default_type application/octet-stream;',
    `  ${temp('client_body')}`,
    `  ${temp('proxy')}`,
    `  ${temp('fastcgi')}`,
    `  ${temp('uwsgi')}`,
    `  ${temp('scgi')}`,
    local,
    '}',
    '',
  ].join('\n');
}

export async function startNginx({ nginxBin, port, backendPorts, logDir, echo }) {
  const prefix = mkdtempSync(join(tmpdir(), 'tandem-nginx-'));
  // Workers drop to `nobody` when the master runs as root: they must be able to use the temp folders.
  chmodSync(prefix, 0o755);
  for (const name of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(prefix, name));
    chmodSync(join(prefix, name), 0o777);
  }
  const confPath = join(prefix, 'nginx.conf');
  writeFileSync(confPath, nginxConfig({ prefix, port, backendPorts }));
  const test = spawnSync(nginxBin, ['-t', '-p', prefix, '-c', confPath], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`);
  const child = spawn(nginxBin, ['-p', prefix, '-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  pipeOutput(child, { name: 'nginx', logDir, echo });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, { child });
  return {
    url,
    child,
    confPath,
    stop: () =>
      new Promise((resolveExit) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveExit(undefined);
        child.once('exit', () => {
          rmSync(prefix, { recursive: true, force: true });
          resolveExit(undefined);
        });
        // Fast shutdown: a graceful one (SIGQUIT) would wait for every open websocket to close.
        child.kill('SIGTERM');
      }),
  };
}

/** Backend nodes in the topology: docker-compose.yml's `backend-1` and `backend-2`. */
export const CLUSTER_NODES = 2;

/** What every backend node of the cluster gets, as docker-compose.yml's `x-backend` environment gives it. */
export function nodeEnvironment({ databaseUrl, redisUrl }) {
  return {
    DATABASE_URL: runtimeDatabaseUrl(databaseUrl),
    MIGRATION_DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl ?? '',
    // Only the migrate job migrates: never several nodes at once on boot.
    TANDEM_MIGRATE_ON_START: '0',
    DEMO: '0',
    // Only the proxy in front (nginx, on this machine or the compose network) may set X-Forwarded-For/Proto.
    TRUST_PROXY: 'loopback',
  };
}

/**
 * Starts the topology: migrations once, then the nodes one after the other (the first creates the admin),
 * then nginx on a free port (or `port`). Without nginx (`nginx: false` or not installed) `url` is the first node.
 */
export async function startCluster({
  databaseUrl,
  redisUrl = MACHINE_REDIS_URL,
  nodes = CLUSTER_NODES,
  nginx = true,
  port,
  env = {},
  logDir,
  echo = false,
} = {}) {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  if (logDir) mkdirSync(logDir, { recursive: true });
  migrate(databaseUrl);
  const metricsToken = env.METRICS_TOKEN ?? process.env.METRICS_TOKEN ?? randomBytes(16).toString('hex');
  const nodeEnv = { ...nodeEnvironment({ databaseUrl, redisUrl }), METRICS_TOKEN: metricsToken, ...env };
  const started = [];
  let edge = null;
  const stopAll = async (signal = 'SIGTERM') => {
    await edge?.stop();
    await Promise.all(started.map((node) => node.stop(signal)));
  };
  try {
    for (let i = 0; i < nodes; i += 1) {
      const node = new BackendNode({
        name: `node-${String.fromCharCode(97 + i)}`,
        port: await freePort(),
        env: nodeEnv,
        logDir,
        echo,
      });
      started.push(node);
      await node.start();
    }
    const nginxBin = nginx ? findNginx({ install: true }) : null;
    if (nginxBin) {
      edge = await startNginx({
        nginxBin,
        port: port ?? (await freePort()),
        backendPorts: started.map((node) => node.port),
        logDir,
        echo,
      });
    }
  } catch (error) {
    await stopAll('SIGKILL');
    throw error;
  }
  return {
    url: edge?.url ?? started[0].url,
    nginx: edge,
    nodes: started,
    metricsToken,
    stop: stopAll,
  };
}

/**
 * A private redis-server on its own port (never the machine's shared one): `stop()` and `start()` again on the
 * same port simulate an outage.
 */
export async function startRedisServer({ port } = {}) {
  const redisPort = port ?? (await freeStablePort());
  const url = `redis://127.0.0.1:${redisPort}`;
  let child = null;
  const server = {
    url,
    port: redisPort,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return server;
      child = spawn(
        'redis-server',
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', ''],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const ok = await new Promise((resolveOk) => {
          // Anything but a PONG within a second (a refusal, a close, silence) means not up yet.
          const socket = createConnection({ host: '127.0.0.1', port: redisPort });
          socket.setTimeout(1000, () => socket.destroy());
          socket.once('connect', () => socket.write('PING\r\n'));
          socket.once('data', (data) => {
            socket.destroy();
            resolveOk(String(data).startsWith('+PONG'));
          });
          socket.once('error', () => resolveOk(false));
          socket.once('close', () => resolveOk(false));
        });
        if (ok) return server;
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        await sleep(50);
      }
      throw new Error(`redis-server on ${redisPort} did not answer`);
    },
    stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null || running.signalCode !== null) return Promise.resolve();
      return new Promise((resolveExit) => {
        running.once('exit', () => resolveExit());
        running.kill('SIGKILL');
      });
    },
  };
  return server.start();
}
