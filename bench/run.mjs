// `npm run bench`: measures the cluster of `npm run cluster` (nginx + two nodes + Redis + PostgreSQL) and a
// minimal baseline doing the same work; prints tables, writes bench/results/<time>.json and docs/benchmarks.md.
// Flags (defaults are the issue's sizes; --quick scales everything down for a first run):
//   --subscribers 1000 --rate 100 --duration 10 --scale-subscribers 100,1000,5000 --scale-rates 10,100,500
//   --concurrency 1,8,32 --audit-rows 1000000 --quick --no-docs
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  dropDatabase,
  ensureDatabase,
  findNginx,
  freePort,
  MACHINE_REDIS_URL,
  ROOT,
  startCluster,
  startNginx,
  waitForHttp,
} from '../scripts/cluster-lib.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const list = (value) => String(value).split(',').map(Number);
const quick = flag('quick');
const settings = {
  subscribers: Number(option('subscribers', quick ? 200 : 1000)),
  rate: Number(option('rate', quick ? 50 : 100)),
  durationS: Number(option('duration', quick ? 5 : 10)),
  scaleSubscribers: list(option('scale-subscribers', quick ? '100,500' : '100,1000,5000')),
  scaleRates: list(option('scale-rates', quick ? '10,100' : '10,100,500')),
  concurrency: list(option('concurrency', quick ? '1,8' : '1,8,32')),
  auditRows: Number(option('audit-rows', quick ? 100_000 : 1_000_000)),
  idleConnections: 1000,
};
const ADMIN = { email: 'bench-admin@tandem.local', password: 'bench-password-1' };
const redisUrl = process.env.REDIS_URL || MACHINE_REDIS_URL;
const database = `tandem_bench_${Date.now().toString(36)}`;
const logDir = join(ROOT, 'bench/results/logs', database);
const log = (message) => console.log(`[bench] ${message}`);

// ---------------------------------------------------------------- load generator (its own process)
const loadgen = fork(join(ROOT, 'bench/loadgen.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
let nextCall = 0;
const pending = new Map();
loadgen.on('message', ({ id, result, error }) => {
  const call = pending.get(id);
  pending.delete(id);
  if (error) call.reject(new Error(error));
  else call.resolve(result);
});
const run = (scenario, config) =>
  new Promise((resolve, reject) => {
    const id = (nextCall += 1);
    pending.set(id, { resolve, reject });
    loadgen.send({ id, scenario, config });
  });

// ---------------------------------------------------------------- helpers
async function api(base, token, method, path, body, headers = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function inBatches(items, size, fn) {
  const results = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024;
}

function version(command, argv) {
  try {
    return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')[0];
  } catch (error) {
    return (
      String(error.stderr ?? '')
        .trim()
        .split('\n')[0] || 'unknown'
    );
  }
}

async function machine(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query('select version()');
  await client.end();
  return {
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: rows[0].version.split(',')[0],
    redis: version('redis-server', ['--version']),
    nginx: version(findNginx() ?? 'nginx', ['-v']),
  };
}

// ---------------------------------------------------------------- the runs
async function setupTandem(url, taskCount) {
  const { token } = await api(url, null, 'POST', '/api/auth/login', ADMIN);
  const workflow = await api(url, token, 'POST', '/api/workflows', { name: 'bench', status: 'running' });
  const tasks = await inBatches(
    Array.from({ length: taskCount }, (_, i) => i),
    16,
    (i) =>
      api(url, token, 'POST', `/api/workflows/${workflow.id}/tasks`, { title: `bench task ${i}`, status: 'pending' }),
  );
  const { agent, apiKey } = await api(url, token, 'POST', '/api/agents', {
    name: 'bench agent',
    capabilities: ['bench'],
  });
  await api(url, token, 'PUT', `/api/workflows/${workflow.id}/agents`, { agentIds: [agent.id] });
  return {
    token,
    agentKey: apiKey,
    workflow,
    tasks: tasks.map((task) => ({ id: task.id, version: task.version, status: task.status })),
  };
}

async function postSuggestions(url, agentKey, tasks, count, batch) {
  const started = performance.now();
  const created = await inBatches(
    Array.from({ length: count }, (_, i) => i),
    16,
    (i) =>
      api(
        url,
        agentKey,
        'POST',
        '/api/suggestions',
        { taskId: tasks[i % tasks.length].id, kind: 'custom', action: `bench ${i}`, confidence: 0.5, payload: { i } },
        { 'idempotency-key': `bench-${batch}-${i}` },
      ),
  );
  const seconds = (performance.now() - started) / 1000;
  return { suggestions: created.map((s) => ({ id: s.id, revision: s.revision })), perSecond: count / seconds };
}

async function startBaseline(databaseUrl, nginxBin) {
  const nodes = [];
  for (const name of ['baseline-a', 'baseline-b']) {
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'bench/baseline-server.mjs')], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, REDIS_URL: redisUrl },
      stdio: 'inherit',
    });
    await waitForHttp(`http://127.0.0.1:${port}/health`, { child });
    nodes.push({ name, port, url: `http://127.0.0.1:${port}`, child });
  }
  const edge = nginxBin
    ? await startNginx({ nginxBin, port: await freePort(), backendPorts: nodes.map((n) => n.port), logDir })
    : null;
  return {
    url: edge?.url ?? nodes[0].url,
    nodes,
    stop: async () => {
      await edge?.stop();
      for (const node of nodes) node.child.kill('SIGTERM');
    },
  };
}

const fmt = (value, digits = 1) => (value === null || value === undefined ? '-' : Number(value).toFixed(digits));

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

function fanoutRow(label, r) {
  return [
    label,
    r.subscribers,
    r.rate,
    r.committed,
    fmt(r.delivery.p50),
    fmt(r.delivery.p95),
    fmt(r.delivery.p99),
    fmt(r.delivery.max),
    Math.round(r.deliveredPerSecond),
    r.lost,
    r.duplicated,
    fmt(r.rest.p99),
    fmt(r.loadgenCpuPercent, 0),
  ];
}
const FANOUT_HEADERS = [
  'run',
  'subs',
  'moves/s',
  'events',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'delivered/s',
  'lost',
  'dup',
  'REST p99 ms',
  'loadgen CPU %',
];

async function main() {
  const databaseUrl = await ensureDatabase(database);
  const nginxBin = findNginx({ install: true });
  const results = { settings, startedAt: new Date().toISOString(), machine: await machine(databaseUrl) };
  log(`database ${database}; logs in ${logDir}`);
  const cluster = await startCluster({
    databaseUrl,
    redisUrl,
    logDir,
    env: {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_HUMAN_PER_MINUTE: '0',
      RATE_LIMIT_AGENT_PER_MINUTE: '0',
      TANDEM_REDIS_PREFIX: database,
    },
  });
  const nodeUrls = cluster.nodes.map((node) => node.url);
  log(`cluster at ${cluster.url} (nodes ${nodeUrls.join(', ')})`);
  try {
    const maxRate = Math.max(settings.rate, ...settings.scaleRates);
    const setup = await setupTandem(cluster.url, Math.max(100, maxRate * 2));
    const channel = `workflow:${setup.workflow.id}`;
    const fanout = (subscribers, rate) =>
      run('fanout', {
        socketUrls: nodeUrls,
        restUrl: cluster.url,
        token: setup.token,
        channel,
        subscribers,
        rate,
        durationS: settings.durationS,
        tasks: setup.tasks,
      });

    log(`fan-out: ${settings.subscribers} subscribers, ${settings.rate} moves/s for ${settings.durationS} s`);
    const refresh = async () => {
      const page = await api(cluster.url, setup.token, 'GET', `/api/workflows/${setup.workflow.id}/tasks`);
      setup.tasks = page.items.map((task) => ({ id: task.id, version: task.version, status: task.status }));
    };
    results.fanout = await fanout(settings.subscribers, settings.rate);
    await refresh();

    results.scale = [];
    for (const subscribers of settings.scaleSubscribers) {
      for (const rate of settings.scaleRates) {
        log(`scale: ${subscribers} subscribers × ${rate} moves/s`);
        results.scale.push(await fanout(subscribers, rate));
        await refresh();
      }
    }

    results.writes = [];
    for (const concurrency of settings.concurrency) {
      log(`write path: task moves, concurrency ${concurrency}`);
      results.writes.push(
        await run('writes', {
          restUrl: cluster.url,
          token: setup.token,
          kind: 'move',
          concurrency,
          durationS: settings.durationS,
          items: setup.tasks,
        }),
      );
      await refresh();
    }
    const decisionsNeeded = Math.ceil(400 * settings.durationS * (quick ? 0.5 : 1));
    for (const concurrency of settings.concurrency) {
      log(`write path: posting ${decisionsNeeded} suggestions, then deciding them at concurrency ${concurrency}`);
      const posted = await postSuggestions(cluster.url, setup.agentKey, setup.tasks, decisionsNeeded, concurrency);
      const decided = await run('writes', {
        restUrl: cluster.url,
        token: setup.token,
        kind: 'decision',
        concurrency,
        durationS: settings.durationS,
        items: posted.suggestions,
      });
      results.writes.push({ ...decided, suggestionPostsPerSecond: posted.perSecond });
    }

    log(`memory: ${settings.idleConnections} idle connections on ${cluster.nodes[0].name}`);
    const node = cluster.nodes[0];
    const rssBefore = rssMb(node.pid);
    await run('idle-open', { urls: [node.url], token: setup.token, channel, count: settings.idleConnections });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const rssIdle = rssMb(node.pid);
    await run('idle-close', {});
    results.memory = {
      rssBeforeMb: rssBefore,
      rssWithIdleMb: rssIdle,
      perThousandIdleMb: ((rssIdle - rssBefore) * 1000) / settings.idleConnections,
    };

    log(`memory: exporting ${settings.auditRows} audit entries (rows inserted by SQL for the purpose)`);
    results.memory.export = await measureExport(databaseUrl, cluster.url, setup.token, node.pid, settings.auditRows);
  } finally {
    await cluster.stop();
  }

  log('baseline: bare Socket.IO + Redis adapter + one INSERT per request');
  const baseline = await startBaseline(databaseUrl, nginxBin);
  try {
    const tasks = Array.from({ length: Math.max(100, settings.rate * 2) }, (_, i) => ({
      id: `t${i}`,
      version: 0,
      status: 'pending',
    }));
    results.baseline = await run('fanout', {
      socketUrls: baseline.nodes.map((n) => n.url),
      restUrl: baseline.url,
      token: 'none',
      channel: 'board',
      subscribers: settings.subscribers,
      rate: settings.rate,
      durationS: settings.durationS,
      tasks,
    });
  } finally {
    await baseline.stop();
  }
  loadgen.kill();
  await dropDatabase(database);
  results.finishedAt = new Date().toISOString();
  report(results);
}

async function measureExport(databaseUrl, url, token, pid, rows) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Filler rows outside the hash chain: the export's memory does not depend on the hashes.
    await client.query(
      `insert into audit_log (seq, at, actor_type, actor_name, action, outcome, entity_type, changes, context, prev_hash, hash, data)
       select m.max + g, now(), 'system', 'bench', 'task.updated', 'success', 'task',
              jsonb_build_object('title', jsonb_build_array('before ' || g, 'after ' || g)), '{}'::jsonb,
              'bench', md5(g::text), jsonb_build_object('id', g, 'title', 'after ' || g)
       from (select coalesce(max(seq), 0) as max from audit_log) m, generate_series(1, $1) g`,
      [rows],
    );
  } finally {
    await client.end();
  }
  const rssBefore = rssMb(pid);
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
  const started = performance.now();
  const response = await fetch(`${url}/api/audit/export?format=ndjson`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`export: ${response.status} ${await response.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines += 1;
  }
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  return {
    rows,
    lines,
    megabytes: bytes / 2 ** 20,
    seconds,
    rowsPerSecond: lines / seconds,
    rssBeforeMb: rssBefore,
    rssPeakMb: peak,
  };
}

function report(results) {
  const out = [];
  const t = results.fanout;
  const b = results.baseline;
  out.push('## Fan-out latency (REST move sent → event received at each client)\n');
  out.push(table(FANOUT_HEADERS, [fanoutRow('tandem', t), fanoutRow('baseline', b)]));
  const ratio = (x, y) => (x && y ? `${(x / y).toFixed(2)}×` : '-');
  out.push('\nTandem relative to the baseline:\n');
  out.push(
    table(
      ['p50', 'p95', 'p99', 'max', 'delivered/s'],
      [
        [
          ratio(t.delivery.p50, b.delivery.p50),
          ratio(t.delivery.p95, b.delivery.p95),
          ratio(t.delivery.p99, b.delivery.p99),
          ratio(t.delivery.max, b.delivery.max),
          ratio(t.deliveredPerSecond, b.deliveredPerSecond),
        ],
      ],
    ),
  );
  out.push('\n## Scale curve\n');
  out.push(
    table(
      FANOUT_HEADERS,
      results.scale.map((r) => fanoutRow('tandem', r)),
    ),
  );
  out.push('\n## Write path (closed loop: each worker sends its next write when the previous one is answered)\n');
  out.push(
    table(
      ['write', 'concurrency', 'ok', 'errors', 'writes/s', 'p50 ms', 'p99 ms', 'max ms', 'loadgen CPU %'],
      results.writes.map((w) => [
        w.kind === 'move' ? 'task move' : 'suggestion decision',
        w.concurrency,
        w.ok,
        w.errors,
        fmt(w.perSecond),
        fmt(w.latency.p50),
        fmt(w.latency.p99),
        fmt(w.latency.max),
        fmt(w.loadgenCpuPercent, 0),
      ]),
    ),
  );
  const posts = results.writes.filter((w) => w.suggestionPostsPerSecond).map((w) => fmt(w.suggestionPostsPerSecond));
  out.push(`\nSuggestion posts (16 concurrent, agent key, Idempotency-Key): ${posts.join(', ')} per second.`);
  const m = results.memory;
  out.push('\n## Memory (one backend node)\n');
  out.push(
    table(
      ['measure', 'value'],
      [
        ['RSS before / with 1,000 idle subscribed sockets', `${fmt(m.rssBeforeMb)} MB / ${fmt(m.rssWithIdleMb)} MB`],
        ['RSS per 1,000 idle connections', `${fmt(m.perThousandIdleMb)} MB`],
        [
          `audit export of ${m.export.rows.toLocaleString('en')} entries (NDJSON)`,
          `${m.export.lines.toLocaleString('en')} lines, ${fmt(m.export.megabytes)} MB in ${fmt(m.export.seconds)} s (${Math.round(m.export.rowsPerSecond)} rows/s)`,
        ],
        ['RSS before / peak during the export', `${fmt(m.export.rssBeforeMb)} MB / ${fmt(m.export.rssPeakMb)} MB`],
      ],
    ),
  );
  const text = out.join('\n');
  console.log(`\n${text}\n`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const jsonPath = join(ROOT, 'bench/results', `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results));
  log(`JSON written to ${jsonPath}`);
  if (!flag('no-docs')) writeDocs(results, text);
}

function writeDocs(results, tables) {
  const m = results.machine;
  const s = results.settings;
  const doc = `# Benchmarks

Produced by \`npm run bench\` (bench/run.mjs); re-run it to replace this page. ${s.subscribers} subscribers at
${s.rate} moves/s for the fan-out, ${s.durationS} s per run${flag('quick') ? ' (`--quick`: reduced sizes)' : ''}.

## How it runs

- **Topology**: \`scripts/cluster-lib.mjs\` (the same as \`npm run cluster\`): nginx (Debian package) in front of
  two backend nodes built from this repository, the machine's PostgreSQL (a fresh database per run, dropped at the
  end) and Redis. Rate limits are switched off for the bench (\`RATE_LIMIT_*_PER_MINUTE=0\`); logs at \`warn\`.
- **Load generator**: \`bench/loadgen.mjs\`, a separate process (its CPU is in the tables). Socket clients
  connect directly to the nodes, half on each (through nginx, \`ip_hash\` would put every local client on one
  node), over websocket, and subscribe to the board's channel. REST goes through nginx.
- **Fan-out**: a driver moves tasks over REST at a fixed open-loop rate (request *k* is sent at *k / rate*
  whatever the answers); latency = receipt at each client − the moment the REST request was sent. Lost =
  committed moves × subscribers − distinct deliveries (after a 15 s drain); duplicated = deliveries beyond the
  first per client and event.
- **Baseline**: \`bench/baseline-server.mjs\`, two nodes behind the same nginx config: bare Socket.IO + the Redis
  adapter + one INSERT per request; no auth, no validation, no audit chain, no replay bookkeeping.
- **Write path**: closed loop at several concurrencies; task moves and suggestion decisions (approve, quorum 1).
  Every write appends to the hash-chained audit log under one advisory lock, so the throughput stops growing
  with concurrency where that serialization binds: compare writes/s across the concurrency column.
- **Memory**: RSS of one node (from /proc) before and after 1,000 idle subscribed sockets; and during a
  streaming NDJSON export of ${s.auditRows.toLocaleString('en')} audit entries (filler rows inserted by SQL).

## Machine

| | |
| --- | --- |
| CPU | ${m.cpu} |
| memory | ${m.memoryGb} GB |
| OS | ${m.os} |
| Node | ${m.node} |
| PostgreSQL | ${m.postgres} |
| Redis | ${m.redis} |
| nginx | ${m.nginx} |
| run | ${results.startedAt} → ${results.finishedAt} |

${tables}

The load generator, both nodes, nginx, PostgreSQL and Redis share the machine's cores, so the absolute figures
are lower bounds for a real deployment; the ratios to the baseline are the meaningful part.
`;
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), doc);
  // Formatted as the linter expects, so a committed run keeps `npm run lint` green.
  execFileSync(join(ROOT, 'node_modules/.bin/prettier'), ['--write', 'docs/benchmarks.md'], { cwd: ROOT });
  log('docs/benchmarks.md written');
}

main().catch(async (error) => {
  console.error(error);
  loadgen.kill();
  await dropDatabase(database).catch(() => undefined);
  process.exit(1);
});
