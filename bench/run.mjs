// `npm run bench`: measures the cluster of `npm run cluster` (nginx + two nodes + Redis + PostgreSQL), a minimal
// baseline doing the same fan-out, and in the same run what PostgreSQL itself allows (pgbench references); prints
// tables, writes bench/results/<time>.json and docs/benchmarks.md (with the ratios, and before/after when
// bench/before.json holds an earlier run's JSON).
// Flags (defaults are the issue's sizes; --quick scales everything down and finishes in a few minutes):
//   --subscribers 1000 --rate 50 --saturation-rate 100 --big-subscribers 5000 --big-rate 10 --duration 10
//   --scale-subscribers 100,1000,5000 --scale-rates 10,100,500 --concurrency 1,8,32,64 --boards 16
//   --board-writers 64 --audit-rows 1000000 --quick --no-docs
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { ADMIN, api, benchEnv, inBatches } from './api.mjs';
import { withLoad } from './load.mjs';
import { measureReferences } from './references.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const list = (value) => String(value).split(',').filter(Boolean).map(Number);
const quick = flag('quick');
const settings = {
  subscribers: Number(option('subscribers', quick ? 200 : 1000)),
  rate: Number(option('rate', 50)),
  saturationRate: Number(option('saturation-rate', 100)),
  bigSubscribers: Number(option('big-subscribers', quick ? 1000 : 5000)),
  bigRate: Number(option('big-rate', 10)),
  durationS: Number(option('duration', quick ? 5 : 10)),
  scaleSubscribers: list(option('scale-subscribers', quick ? '' : '100,1000,5000')),
  scaleRates: list(option('scale-rates', quick ? '' : '10,100,500')),
  concurrency: list(option('concurrency', quick ? '8,64' : '1,8,32,64')),
  decisionConcurrency: list(option('decision-concurrency', quick ? '32' : '1,8,32')),
  boards: Number(option('boards', 16)),
  tasksPerBoard: Number(option('tasks-per-board', quick ? 12 : 40)),
  boardWriters: Number(option('board-writers', 64)),
  auditRows: Number(option('audit-rows', quick ? 100_000 : 1_000_000)),
  idleConnections: 1000,
};
/** How long a fan-out run waits for late deliveries after its last write. */
const DRAIN_S = quick ? 5 : 15;
/** The issue's goals: what the summary table checks the measured figures against. */
const GOALS = { boardsPerSecond: 1500, oneBoardPerSecond: 400, p99Ms: 100, fanoutP99Ratio: 1.3, saturationRatio: 0.9 };
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
const taskRef = (task) => ({ id: task.id, version: task.version, status: task.status });

async function createTasks(url, token, workflowId, count) {
  return inBatches(
    Array.from({ length: count }, (_, i) => i),
    16,
    (i) =>
      api(url, token, 'POST', `/api/workflows/${workflowId}/tasks`, { title: `bench task ${i}`, status: 'pending' }),
  );
}

/** One board for the fan-out and the one-board writes, and `boards` more for the writes across boards. */
async function setupTandem(url, taskCount) {
  const { token } = await api(url, null, 'POST', '/api/auth/login', ADMIN);
  const workflow = await api(url, token, 'POST', '/api/workflows', { name: 'bench', status: 'running' });
  const tasks = await createTasks(url, token, workflow.id, taskCount);
  const boards = [];
  for (let i = 0; i < settings.boards; i += 1) {
    const board = await api(url, token, 'POST', '/api/workflows', { name: `bench board ${i}`, status: 'running' });
    boards.push({ workflow: board, tasks: await createTasks(url, token, board.id, settings.tasksPerBoard) });
  }
  const { agent, apiKey } = await api(url, token, 'POST', '/api/agents', {
    name: 'bench agent',
    capabilities: ['bench'],
  });
  for (const id of [workflow.id, ...boards.map((board) => board.workflow.id)])
    await api(url, token, 'PUT', `/api/workflows/${id}/agents`, { agentIds: [agent.id] });
  return {
    token,
    agentKey: apiKey,
    workflow,
    tasks: tasks.map(taskRef),
    boardTasks: boards.flatMap((board) => board.tasks.map(taskRef)),
    boardIds: boards.map((board) => board.workflow.id),
  };
}

async function postSuggestions(url, agentKey, tasks, count, batch) {
  const started = performance.now();
  const created = await inBatches(
    Array.from({ length: count }, (_, i) => i),
    32,
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

const loadCell = (r) => (r.load ? `${fmt(r.load.loadavg1Before)} / ${fmt(r.load.machineBusyPercent, 0)}%` : '-');

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
    loadCell(r),
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
  'load avg / busy',
];

async function main() {
  const databaseUrl = await ensureDatabase(database);
  const nginxBin = findNginx({ install: true });
  const results = { settings, startedAt: new Date().toISOString(), machine: await machine(databaseUrl) };
  log(
    `database ${database}; logs in ${logDir}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  results.references = await measureReferences(databaseUrl, { durationS: settings.durationS, log });
  const cluster = await startCluster({
    databaseUrl,
    redisUrl,
    logDir,
    env: benchEnv(database),
  });
  const nodeUrls = cluster.nodes.map((node) => node.url);
  const nodePids = cluster.nodes.map((node) => node.pid);
  const measured = (scenario, config) => withLoad(() => run(scenario, config), nodePids);
  log(`cluster at ${cluster.url} (nodes ${nodeUrls.join(', ')})`);
  try {
    const maxRate = Math.max(settings.rate, settings.saturationRate, settings.bigRate, ...settings.scaleRates);
    const setup = await setupTandem(cluster.url, Math.max(100, maxRate * 2));
    const channel = `workflow:${setup.workflow.id}`;
    const refresh = async () => {
      const page = await api(cluster.url, setup.token, 'GET', `/api/workflows/${setup.workflow.id}/tasks`);
      setup.tasks = page.items.map(taskRef);
      const boards = await Promise.all(
        setup.boardIds.map((id) => api(cluster.url, setup.token, 'GET', `/api/workflows/${id}/tasks`)),
      );
      setup.boardTasks = boards.flatMap((board) => board.items.map(taskRef));
    };
    const fanout = async (subscribers, rate, tasks = setup.tasks) => {
      const result = await measured('fanout', {
        socketUrls: nodeUrls,
        restUrl: cluster.url,
        token: setup.token,
        channel,
        subscribers,
        rate,
        durationS: settings.durationS,
        drainS: DRAIN_S,
        tasks,
      });
      await refresh();
      return result;
    };

    log(`fan-out: ${settings.subscribers} subscribers × ${settings.rate} moves/s for ${settings.durationS} s`);
    results.fanout = await fanout(settings.subscribers, settings.rate);
    log(`fan-out at saturation: ${settings.subscribers} subscribers × ${settings.saturationRate} moves/s`);
    results.saturation = await fanout(settings.subscribers, settings.saturationRate);
    log(`fan-out: ${settings.bigSubscribers} subscribers × ${settings.bigRate} moves/s`);
    results.big = await fanout(settings.bigSubscribers, settings.bigRate);

    results.scale = [];
    for (const subscribers of settings.scaleSubscribers) {
      for (const rate of settings.scaleRates) {
        log(`scale: ${subscribers} subscribers × ${rate} moves/s`);
        results.scale.push(await fanout(subscribers, rate));
      }
    }

    const closedLoop = async (groups) => {
      const result = await measured('writes', {
        restUrl: cluster.url,
        token: setup.token,
        durationS: settings.durationS,
        groups,
      });
      await refresh();
      return { ...result, nodeCpuMsPerWrite: result.ok ? result.load.nodesCpuMs / result.ok : null };
    };
    results.writes = [];
    for (const concurrency of settings.concurrency) {
      log(`write path: task moves on one board, concurrency ${concurrency}`);
      results.writes.push({
        scope: 'one board',
        ...(await closedLoop([{ kind: 'move', concurrency, items: setup.tasks }])),
      });
    }
    // Suggestions to decide: enough for the goal's rate, but no more than 3× what the moves just reached (posting
    // them is itself a write: on a slow or busy machine the goal's count would take longer than the runs).
    const measuredRate = Math.max(50, ...results.writes.map((w) => w.perSecond));
    const enough = (goalRate, share) => Math.ceil(Math.min(goalRate * share, measuredRate * 3) * settings.durationS);
    const decisionsNeeded = enough(400, quick ? 0.25 : 1);
    for (const concurrency of settings.decisionConcurrency) {
      log(`write path: posting ${decisionsNeeded} suggestions, then deciding them at concurrency ${concurrency}`);
      const posted = await postSuggestions(
        cluster.url,
        setup.agentKey,
        setup.tasks,
        decisionsNeeded,
        `one-${concurrency}`,
      );
      const decided = await closedLoop([{ kind: 'decision', concurrency, items: posted.suggestions }]);
      results.writes.push({ scope: 'one board', ...decided, suggestionPostsPerSecond: posted.perSecond });
    }

    // Across boards: half the writers move tasks, half decide suggestions, over every board at once.
    const boardDecisions = enough(GOALS.boardsPerSecond / 2, quick ? 0.2 : 1);
    log(`write path: posting ${boardDecisions} suggestions over ${settings.boards} boards`);
    const boardPosts = await postSuggestions(cluster.url, setup.agentKey, setup.boardTasks, boardDecisions, 'boards');
    const movers = Math.ceil(settings.boardWriters / 2);
    log(
      `write path: ${settings.boardWriters} writers (${movers} moving, the rest deciding) over ${settings.boards} boards`,
    );
    results.boards = {
      scope: `${settings.boards} boards`,
      ...(await closedLoop([
        { kind: 'move', concurrency: movers, items: setup.boardTasks },
        { kind: 'decision', concurrency: settings.boardWriters - movers, items: boardPosts.suggestions },
      ])),
      suggestionPostsPerSecond: boardPosts.perSecond,
    };
    const oneBoardBest = Math.max(...results.writes.filter((w) => w.kind === 'move').map((w) => w.perSecond), 0);

    // Latency under a steady load (open loop) at half the goals' rates, and at half of what was measured.
    results.steady = [];
    const steadyRuns = [
      ['boards', GOALS.boardsPerSecond / 2, () => setup.boardTasks],
      ...(quick ? [] : [['boards', Math.floor(results.boards.perSecond / 2), () => setup.boardTasks]]),
      ['one board', GOALS.oneBoardPerSecond / 2, () => setup.tasks],
      ...(quick ? [] : [['one board', Math.floor(oneBoardBest / 2), () => setup.tasks]]),
    ];
    const seen = new Set();
    for (const [scope, rate, tasks] of steadyRuns) {
      if (rate < 1 || seen.has(`${scope}:${rate}`)) continue;
      seen.add(`${scope}:${rate}`);
      log(`write path: steady ${rate} moves/s (${scope}), open loop`);
      const steady = await fanout(0, rate, tasks());
      results.steady.push({ scope, targetRate: rate, ...steady });
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
    const tasks = Array.from({ length: Math.max(100, settings.saturationRate * 2) }, (_, i) => ({
      id: `t${i}`,
      version: 0,
      status: 'pending',
    }));
    const baselineRun = (rate) =>
      withLoad(
        () =>
          run('fanout', {
            socketUrls: baseline.nodes.map((n) => n.url),
            restUrl: baseline.url,
            token: 'none',
            channel: 'board',
            subscribers: settings.subscribers,
            rate,
            durationS: settings.durationS,
            drainS: DRAIN_S,
            tasks,
          }),
        baseline.nodes.map((n) => n.child.pid),
      );
    results.baseline = await baselineRun(settings.rate);
    results.baselineSaturation = await baselineRun(settings.saturationRate);
  } finally {
    await baseline.stop();
  }
  loadgen.kill();
  await dropDatabase(database);
  results.finishedAt = new Date().toISOString();
  const beforePath = join(ROOT, 'bench/before.json');
  if (existsSync(beforePath)) results.before = JSON.parse(readFileSync(beforePath, 'utf8'));
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

const ratio = (x, y) => (x && y ? x / y : null);
const times = (value) => (value === null || value === undefined ? '-' : `${value.toFixed(2)}×`);
const chainReference = (results, clients) =>
  results.references?.runs?.find((r) => r.script === 'chain' && r.clients === clients)?.commitsPerSecond ?? null;

/** The figures the issue's goals name, from one run's results (also used for before/after). */
function keyFigures(r) {
  const chain64 = chainReference(r, 64);
  const oneBoard = Math.max(...(r.writes ?? []).filter((w) => w.kind === 'move').map((w) => w.perSecond), 0);
  const steady = (scope, rate) => r.steady?.find((x) => x.scope === scope && x.targetRate === rate);
  const steadyBoards = steady('boards', GOALS.boardsPerSecond / 2);
  const steadyOne = steady('one board', GOALS.oneBoardPerSecond / 2);
  const fanoutRatio = ratio(r.fanout?.delivery.p99, r.baseline?.delivery.p99);
  const saturationRatio = ratio(r.saturation?.deliveredPerSecond, r.baselineSaturation?.deliveredPerSecond);
  return [
    {
      measure: `writes/s across ${r.settings.boards} boards, ${r.settings.boardWriters} writers (moves + decisions)`,
      value: r.boards?.perSecond,
      goal: `≥ ${GOALS.boardsPerSecond} and ≥ 1× chain (64 clients)`,
      ratio: ratio(r.boards?.perSecond, chain64),
      met: r.boards ? r.boards.perSecond >= GOALS.boardsPerSecond && r.boards.perSecond >= (chain64 ?? 0) : null,
    },
    {
      measure: 'task moves/s on one board (best concurrency)',
      value: oneBoard,
      goal: `≥ ${GOALS.oneBoardPerSecond}`,
      ratio: ratio(oneBoard, chain64),
      met: oneBoard >= GOALS.oneBoardPerSecond,
    },
    {
      measure: `p99 ms, ${GOALS.boardsPerSecond / 2} moves/s steady over the boards`,
      value: steadyBoards?.rest.p99,
      goal: `< ${GOALS.p99Ms} ms, all committed`,
      ratio: null,
      met: steadyBoards ? steadyBoards.rest.p99 < GOALS.p99Ms && steadyBoards.errors === 0 : null,
    },
    {
      measure: `p99 ms, ${GOALS.oneBoardPerSecond / 2} moves/s steady on one board`,
      value: steadyOne?.rest.p99,
      goal: `< ${GOALS.p99Ms} ms, all committed`,
      ratio: null,
      met: steadyOne ? steadyOne.rest.p99 < GOALS.p99Ms && steadyOne.errors === 0 : null,
    },
    {
      measure: `fan-out ${r.settings.subscribers} × ${r.settings.rate}/s: p99 ms (ratio to baseline), lost`,
      value: r.fanout?.delivery.p99,
      goal: `≤ ${GOALS.fanoutP99Ratio}× baseline, 0 lost`,
      ratio: fanoutRatio,
      met: r.fanout ? fanoutRatio !== null && fanoutRatio <= GOALS.fanoutP99Ratio && r.fanout.lost === 0 : null,
      lost: r.fanout?.lost,
    },
    {
      measure: `fan-out ${r.settings.subscribers} × ${r.settings.saturationRate}/s: deliveries/s (ratio to baseline)`,
      value: r.saturation?.deliveredPerSecond,
      goal: `≥ ${GOALS.saturationRatio}× baseline`,
      ratio: saturationRatio,
      met: saturationRatio === null ? null : saturationRatio >= GOALS.saturationRatio,
    },
    {
      measure: `fan-out ${r.settings.bigSubscribers} × ${r.settings.bigRate}/s: p99 ms`,
      value: r.big?.delivery.p99,
      goal: '< 250 ms, 0 lost',
      ratio: null,
      met: r.big ? r.big.delivery.p99 < 250 && r.big.lost === 0 : null,
      lost: r.big?.lost,
    },
  ];
}

const metCell = (met) => (met === null || met === undefined ? '-' : met ? 'yes' : 'no');

function writeRow(w) {
  const kinds = w.byKind
    ? Object.entries(w.byKind)
        .map(([kind, k]) => `${kind} ${fmt(k.perSecond)}/s p99 ${fmt(k.latency.p99)}`)
        .join('; ')
    : '';
  return [
    w.scope ?? 'one board',
    w.kind === 'move' ? 'task move' : w.kind === 'decision' ? 'suggestion decision' : w.kind,
    w.concurrency,
    w.ok,
    w.errors,
    fmt(w.perSecond),
    fmt(w.latency.p50),
    fmt(w.latency.p99),
    fmt(w.latency.max),
    fmt(w.nodeCpuMsPerWrite, 2),
    loadCell(w),
    kinds,
  ];
}

function report(results) {
  const out = [];
  const t = results.fanout;
  const b = results.baseline;
  out.push('## Goals (issue 12), measured in this run\n');
  out.push(
    table(
      ['measure', 'measured', 'ratio', 'goal', 'met'],
      keyFigures(results).map((k) => [
        k.measure,
        k.lost === undefined ? fmt(k.value) : `${fmt(k.value)} (lost ${k.lost})`,
        times(k.ratio),
        k.goal,
        metCell(k.met),
      ]),
    ),
  );
  if (results.before) {
    const before = keyFigures(results.before);
    out.push(`\n## Before and after (before: ${results.before.label ?? results.before.startedAt})\n`);
    out.push(
      table(
        ['measure', 'before', 'after', 'after / before'],
        keyFigures(results).map((k, i) => [
          k.measure,
          fmt(before[i].value),
          fmt(k.value),
          times(ratio(k.value, before[i].value)),
        ]),
      ),
    );
  }
  const refs = results.references;
  out.push('\n## References: what PostgreSQL allows, same run (pgbench, durable commits)\n');
  out.push(
    refs?.runs
      ? table(
          ['pattern', 'clients', 'commits/s', 'mean latency ms', 'failed'],
          refs.runs.map((r) => [
            r.script === 'raw' ? 'one-row INSERT' : 'advisory lock + read head + INSERT (chained append)',
            r.clients,
            fmt(r.commitsPerSecond),
            fmt(r.latencyMeanMs, 2),
            r.failed,
          ]),
        )
      : `unavailable: ${refs?.unavailable}`,
  );
  out.push('\n## Fan-out latency (REST move sent → event received at each client)\n');
  out.push(
    table(FANOUT_HEADERS, [
      fanoutRow('tandem', t),
      fanoutRow('baseline', b),
      fanoutRow('tandem', results.saturation),
      fanoutRow('baseline', results.baselineSaturation),
      fanoutRow('tandem', results.big),
    ]),
  );
  out.push('\nTandem relative to the baseline:\n');
  const rel = (x, y) => [
    `${x.subscribers} × ${x.rate}/s`,
    times(ratio(x.delivery.p50, y.delivery.p50)),
    times(ratio(x.delivery.p95, y.delivery.p95)),
    times(ratio(x.delivery.p99, y.delivery.p99)),
    times(ratio(x.delivery.max, y.delivery.max)),
    times(ratio(x.deliveredPerSecond, y.deliveredPerSecond)),
  ];
  out.push(
    table(
      ['run', 'p50', 'p95', 'p99', 'max', 'delivered/s'],
      [rel(t, b), rel(results.saturation, results.baselineSaturation)],
    ),
  );
  if (results.scale.length) {
    out.push('\n## Scale curve\n');
    out.push(
      table(
        FANOUT_HEADERS,
        results.scale.map((r) => fanoutRow('tandem', r)),
      ),
    );
  }
  out.push('\n## Write path (closed loop: each worker sends its next write when the previous one is answered)\n');
  out.push(
    table(
      [
        'scope',
        'write',
        'writers',
        'ok',
        'errors',
        'writes/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'node CPU ms/write',
        'load avg / busy',
        'by kind',
      ],
      [...results.writes, results.boards].map(writeRow),
    ),
  );
  const posts = [...results.writes, results.boards]
    .filter((w) => w.suggestionPostsPerSecond)
    .map((w) => fmt(w.suggestionPostsPerSecond));
  out.push(`\nSuggestion posts (32 concurrent, agent key, Idempotency-Key): ${posts.join(', ')} per second.`);
  out.push('\n## Write latency at a steady rate (open loop, task moves)\n');
  out.push(
    table(
      [
        'scope',
        'target moves/s',
        'committed',
        'errors',
        'skipped',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'load avg / busy',
      ],
      results.steady.map((r) => [
        r.scope,
        r.targetRate,
        r.committed,
        r.errors,
        r.skipped,
        fmt(r.rest.p50),
        fmt(r.rest.p95),
        fmt(r.rest.p99),
        fmt(r.rest.max),
        loadCell(r),
      ]),
    ),
  );
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
  const { before, ...own } = results;
  writeFileSync(jsonPath, `${JSON.stringify(own, null, 2)}\n`);
  log(`JSON written to ${jsonPath}`);
  if (!flag('no-docs')) writeDocs(results, text);
}

function writeDocs(results, tables) {
  const m = results.machine;
  const s = results.settings;
  const doc = `# Benchmarks

Produced by \`npm run bench\` (bench/run.mjs); re-run it to replace this page. ${s.subscribers} subscribers at
${s.rate} moves/s for the fan-out, ${s.durationS} s per run${quick ? ' (`--quick`: reduced sizes)' : ''}.

## How it runs

- **Topology**: \`scripts/cluster-lib.mjs\` (the same as \`npm run cluster\`): nginx (Debian package) in front of
  two backend nodes built from this repository, the machine's PostgreSQL (a fresh database per run, dropped at the
  end) and Redis. Rate limits are switched off for the bench (\`RATE_LIMIT_*_PER_MINUTE=0\`); logs at \`warn\`.
- **References**: \`bench/references.mjs\` runs \`pgbench\` against the same PostgreSQL in the same run: a one-row
  durable INSERT per transaction (32 clients), and the chained-append pattern every audited write needs (advisory
  lock + read the head + INSERT the next link + COMMIT; 32 and 64 clients). Write throughput is given as a ratio
  to the chained append at 64 clients.
- **Load conditions**: the machine is shared; every run carries the 1-minute load average when it started and how
  busy all cores were during it (\`load avg / busy\`), and the write runs the backend nodes' CPU per write.
- **Load generator**: \`bench/loadgen.mjs\`, a separate process (its CPU is in the tables). Socket clients
  connect directly to the nodes, half on each (through nginx, \`ip_hash\` would put every local client on one
  node), over websocket, and subscribe to the board's channel; they are plain Socket.IO clients that never
  replay, so \`lost\` counts every event a node failed to deliver live. REST goes through nginx.
- **Fan-out**: a driver moves tasks over REST at a fixed open-loop rate (request *k* is sent at *k / rate*
  whatever the answers); latency = receipt at each client − the moment the REST request was sent. Lost =
  committed moves × subscribers − distinct deliveries (after a 15 s drain); duplicated = deliveries beyond the
  first per client and event. Saturation: the same subscribers at a higher rate, compared by deliveries/s.
- **Baseline**: \`bench/baseline-server.mjs\`, two nodes behind the same nginx config: bare Socket.IO + the Redis
  adapter + one INSERT per request; no auth, no validation, no audit chain, no replay bookkeeping.
- **Write path**: closed loop; task moves on one board at several concurrencies, suggestion decisions (approve,
  quorum 1), and ${s.boardWriters} writers over ${s.boards} boards (half moving tasks, half deciding suggestions).
  Then open-loop moves at half the goals' rates (and at half of what was measured) for the latency under a
  steady load.
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
| pgbench | ${results.references?.pgbench ?? '-'} |
| run | ${results.startedAt} → ${results.finishedAt} |

${tables}

${readFileSync(join(ROOT, 'bench/where-the-time-goes.md'), 'utf8').trim()}

The load generator, both nodes, nginx, PostgreSQL and Redis share the machine's cores, so the absolute figures
are lower bounds for a real deployment; the ratios to the references and the baseline are the meaningful part.
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
