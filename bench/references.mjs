// What the database itself allows, measured in the same run as Tandem with `pgbench` (PostgreSQL's client
// package): a one-row durable INSERT per transaction, and the chained-append pattern every audited write needs
// (transaction-scoped advisory lock + read the chain's head + INSERT the next link + COMMIT). Tandem's write
// throughput is reported as a ratio to these, so the figures stay comparable on a busy or a quiet machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const SCRIPTS = {
  raw: `INSERT INTO bench_ref_raw (body) VALUES ('x');\n`,
  chain: [
    'BEGIN;',
    'SELECT pg_advisory_xact_lock(748102399);',
    'SELECT seq AS head_seq, hash AS head_hash FROM bench_ref_chain ORDER BY seq DESC LIMIT 1 \\gset',
    "INSERT INTO bench_ref_chain (seq, prev_hash, hash, body) VALUES (:head_seq + 1, ':head_hash', md5(':head_hash' || 'x'), 'x');",
    'COMMIT;',
    '',
  ].join('\n'),
};

export function findPgbench() {
  for (const candidate of ['pgbench', '/usr/bin/pgbench']) {
    if (spawnSync(candidate, ['--version'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return null;
}

async function prepare(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      drop table if exists bench_ref_raw, bench_ref_chain;
      create table bench_ref_raw (id bigserial primary key, at timestamptz not null default now(), body text);
      create table bench_ref_chain (seq bigint primary key, prev_hash text not null, hash text not null, body text);
      insert into bench_ref_chain values (0, '', 'genesis', '');`);
  } finally {
    await client.end();
  }
}

async function cleanUp(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('drop table if exists bench_ref_raw, bench_ref_chain').finally(() => client.end());
}

/** One pgbench run: `clients` connections for `durationS` seconds; commits per second and mean latency. */
function pgbench(pgbenchBin, databaseUrl, script, clients, durationS) {
  const url = new URL(databaseUrl);
  const dir = mkdtempSync(join(tmpdir(), 'tandem-pgbench-'));
  try {
    const file = join(dir, 'script.sql');
    writeFileSync(file, SCRIPTS[script]);
    const output = execFileSync(
      pgbenchBin,
      [
        '-n',
        '-h',
        url.hostname,
        '-p',
        url.port || '5432',
        '-U',
        decodeURIComponent(url.username || 'postgres'),
        '-f',
        file,
        '-c',
        String(clients),
        '-j',
        '2',
        '-T',
        String(durationS),
        url.pathname.slice(1),
      ],
      { encoding: 'utf8', env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password || '') } },
    );
    const tps = Number(output.match(/tps = ([\d.]+)/)?.[1]);
    const latency = Number(output.match(/latency average = ([\d.]+) ms/)?.[1]);
    const failed = Number(output.match(/number of failed transactions: (\d+)/)?.[1] ?? 0);
    return { script, clients, durationS, commitsPerSecond: tps, latencyMeanMs: latency, failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The references: raw INSERT at 32 clients, the chained append at 32 and 64 clients. */
export async function measureReferences(databaseUrl, { durationS, log }) {
  const bin = findPgbench();
  if (!bin) return { unavailable: 'pgbench is not installed (apt-get install -y postgresql-client)' };
  await prepare(databaseUrl);
  try {
    const runs = [];
    for (const [script, clients] of [
      ['raw', 32],
      ['chain', 32],
      ['chain', 64],
    ]) {
      log?.(`reference: pgbench ${script} with ${clients} clients for ${durationS} s`);
      runs.push(pgbench(bin, databaseUrl, script, clients, durationS));
    }
    return { pgbench: execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim(), runs };
  } finally {
    await cleanUp(databaseUrl);
  }
}
