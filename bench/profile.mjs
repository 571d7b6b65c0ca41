// `node bench/profile.mjs`: where a write's time goes. Two measurements on the topology of `npm run bench`:
//  1. SQL round trips per task move and per suggestion decision: one node with `TANDEM_SQL_DEBUG=1`, writes sent
//     one at a time, the statements it logged counted (and `--show` prints one write's statements).
//  2. A CPU profile of both nodes (`node --cpu-prof`) under the closed-loop write load across boards; prints the
//     functions with the most self time, and the self time by where the code lives (package or backend folder).
// Flags: --duration 10 --writers 64 --boards 16 --samples 20 --show --no-profile
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, MACHINE_REDIS_URL, ROOT, startCluster } from '../scripts/cluster-lib.mjs';
import { ADMIN, api, benchEnv, inBatches } from './api.mjs';
import { withLoad } from './load.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const settings = {
  durationS: Number(option('duration', 10)),
  writers: Number(option('writers', 64)),
  boards: Number(option('boards', 16)),
  samples: Number(option('samples', 20)),
  show: args.includes('--show'),
  profile: !args.includes('--no-profile'),
};
const database = `tandem_profile_${Date.now().toString(36)}`;
const logDir = join(ROOT, 'bench/results/logs', database);
const profileDir = join(logDir, 'cpu');
const log = (message) => console.log(`[profile] ${message}`);
const env = benchEnv(database);

/** `boards` workflows with tasks, an agent assigned to all, and `suggestions` pending suggestions over them. */
async function setup(url, boards, tasksPerBoard, suggestions) {
  const { token } = await api(url, null, 'POST', '/api/auth/login', ADMIN);
  const { agent, apiKey } = await api(url, token, 'POST', '/api/agents', { name: 'profile agent' });
  const tasks = [];
  for (let b = 0; b < boards; b += 1) {
    const workflow = await api(url, token, 'POST', '/api/workflows', { name: `board ${b}`, status: 'running' });
    await api(url, token, 'PUT', `/api/workflows/${workflow.id}/agents`, { agentIds: [agent.id] });
    tasks.push(
      ...(await inBatches(
        Array.from({ length: tasksPerBoard }, (_, i) => i),
        16,
        (i) => api(url, token, 'POST', `/api/workflows/${workflow.id}/tasks`, { title: `task ${i}` }),
      )),
    );
  }
  const posted = await inBatches(
    Array.from({ length: suggestions }, (_, i) => i),
    32,
    (i) =>
      api(
        url,
        apiKey,
        'POST',
        '/api/suggestions',
        { taskId: tasks[i % tasks.length].id, kind: 'custom', action: `profile ${i}`, confidence: 0.5, payload: { i } },
        { 'idempotency-key': `profile-${i}` },
      ),
  );
  return {
    token,
    tasks: tasks.map((task) => ({ id: task.id, version: task.version, status: task.status })),
    suggestions: posted.map((s) => ({ id: s.id, revision: s.revision })),
  };
}

const queryLines = (text) => text.split('\n').filter((line) => line.includes('[query]'));

/** Statements one node logs per write, writes sent one after the other. */
async function roundTrips() {
  const databaseUrl = await ensureDatabase(`${database}_sql`);
  const cluster = await startCluster({
    databaseUrl,
    redisUrl: process.env.REDIS_URL || MACHINE_REDIS_URL,
    nodes: 1,
    nginx: false,
    logDir,
    env: { ...env, LOG_LEVEL: 'info', TANDEM_SQL_DEBUG: '1', TANDEM_REDIS_PREFIX: `${database}_sql` },
  });
  const logFile = join(logDir, 'node-a.log');
  try {
    const world = await setup(cluster.url, 1, settings.samples, settings.samples);
    const counted = async (label, items, send) => {
      const lines = [];
      for (const item of items) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const before = readFileSync(logFile, 'utf8').length;
        await send(item);
        await new Promise((resolve) => setTimeout(resolve, 30));
        lines.push(queryLines(readFileSync(logFile, 'utf8').slice(before)));
      }
      const counts = lines.map((l) => l.length).sort((a, b) => a - b);
      log(
        `${label}: ${counts[counts.length >> 1]} statements (median of ${counts.length}; min ${counts[0]}, max ${counts.at(-1)})`,
      );
      if (settings.show)
        for (const line of lines[lines.length >> 1])
          console.log(`    ${line.replace(/^.*\[query\] /, '').slice(0, 220)}`);
      return { median: counts[counts.length >> 1], min: counts[0], max: counts.at(-1) };
    };
    const moves = await counted('task move', world.tasks, (task) =>
      api(cluster.url, world.token, 'POST', `/api/tasks/${task.id}/move`, {
        status: 'in_progress',
        version: task.version,
      }),
    );
    const decisions = await counted('suggestion decision (approve)', world.suggestions, (s) =>
      api(cluster.url, world.token, 'POST', `/api/suggestions/${s.id}/decision`, {
        decision: 'approve',
        revision: s.revision,
      }),
    );
    return { moves, decisions };
  } finally {
    await cluster.stop();
    await dropDatabase(`${database}_sql`);
  }
}

/** Self time per function and per place (package, backend folder, node internals) from .cpuprofile files. */
function summarise(files) {
  const byFunction = new Map();
  const byPlace = new Map();
  const byCaller = new Map();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const selfUs = new Map();
    for (let i = 0; i < profile.samples.length; i += 1)
      selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
    const parent = new Map();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
    // Start-up (module loading, Nest's bootstrap) is not the writes' time: samples under it are left out.
    const startUp = new Map();
    const inStartUp = (node) => {
      if (!node) return false;
      if (!startUp.has(node.id)) {
        const { url, functionName } = node.callFrame;
        startUp.set(
          node.id,
          url.startsWith('node:internal/modules') || functionName === 'bootstrap' || inStartUp(parent.get(node.id)),
        );
      }
      return startUp.get(node.id);
    };
    for (const node of profile.nodes) {
      if (inStartUp(node)) continue;
      const us = selfUs.get(node.id) ?? 0;
      if (us && !node.callFrame.url && node.callFrame.functionName !== '(garbage collector)') {
        // Native work (socket writes, ...) charged to the JS frames that asked for it.
        const chain = [];
        for (let up = parent.get(node.id); up && chain.length < 4; up = parent.get(up.id))
          if (up.callFrame.url)
            chain.push(`${up.callFrame.functionName || '(anonymous)'} ${placeOf(up.callFrame.url, '')}`);
        const key = `${node.callFrame.functionName} ← ${chain.join(' ← ')}`;
        byCaller.set(key, (byCaller.get(key) ?? 0) + us);
      }
      if (!us) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)' || functionName === '(program)') continue;
      total += us;
      const place = placeOf(url, functionName);
      const key = `${functionName || '(anonymous)'} ${place}:${lineNumber + 1}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
      byPlace.set(place, (byPlace.get(place) ?? 0) + us);
    }
  }
  const top = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: Math.round((us / total) * 1000) / 10 }));
  return {
    totalMs: Math.round(total / 1000),
    functions: top(byFunction, 30),
    places: top(byPlace, 20),
    natives: top(byCaller, 15),
  };
}

function placeOf(url, functionName) {
  if (!url) return functionName === '(garbage collector)' ? 'gc' : 'native';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  if (src >= 0) {
    const parts = url.slice(src + 5).split('/');
    return `${url.includes('/shared/') ? 'shared' : 'backend'}/${parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  return url.replace(/^file:\/\//, '');
}

async function cpuProfile() {
  const databaseUrl = await ensureDatabase(database);
  mkdirSync(profileDir, { recursive: true });
  const cluster = await startCluster({
    databaseUrl,
    redisUrl: process.env.REDIS_URL || MACHINE_REDIS_URL,
    logDir,
    env,
  });
  const loadgen = fork(join(ROOT, 'bench/loadgen.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const world = await setup(cluster.url, settings.boards, 24, Math.min(3000, settings.durationS * 200));
    // Only the load is wanted in the profile: the nodes restart with the profiler after the set-up.
    for (const node of cluster.nodes) {
      await node.stop();
      node.env = { ...node.env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` };
      await node.start();
    }
    const movers = Math.ceil(settings.writers / 2);
    const writes = () =>
      new Promise((resolve, reject) => {
        loadgen.once('message', ({ result: r, error }) => (error ? reject(new Error(error)) : resolve(r)));
        loadgen.send({
          id: 1,
          scenario: 'writes',
          config: {
            restUrl: cluster.url,
            token: world.token,
            durationS: settings.durationS,
            groups: [
              { kind: 'move', concurrency: movers, items: world.tasks },
              { kind: 'decision', concurrency: settings.writers - movers, items: world.suggestions },
            ],
          },
        });
      });
    const result = await withLoad(
      writes,
      cluster.nodes.map((node) => node.pid),
    );
    log(
      `${settings.writers} writers over ${settings.boards} boards: ${result.perSecond.toFixed(1)} writes/s, p99 ${result.latency.p99.toFixed(1)} ms, errors ${result.errors}, node CPU ${(result.load.nodesCpuMs / result.ok).toFixed(2)} ms/write, load avg ${result.load.loadavg1Before}, busy ${result.load.machineBusyPercent}%`,
    );
    for (const node of cluster.nodes) log(`${node.name}: ${await groupCommit(node.url, cluster.metricsToken)}`);
    return result;
  } finally {
    loadgen.kill();
    await cluster.stop();
    await dropDatabase(database);
  }
}

/** The node's group-commit counters: batches, writes per batch, writes queued again after a lock timeout. */
async function groupCommit(nodeUrl, metricsToken) {
  const text = await (
    await fetch(`${nodeUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
  ).text();
  const value = (name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? 0);
  const batches = value('tandem_write_batch_size_count');
  const writes = value('tandem_write_batch_size_sum');
  const requeued = value('tandem_writes_requeued_total');
  return `${batches} batches, ${(writes / Math.max(1, batches)).toFixed(1)} writes per batch, ${requeued} writes queued again after a lock timeout`;
}

async function main() {
  const trips = args.includes('--no-sql') ? null : await roundTrips();
  if (!settings.profile) return;
  const load = await cpuProfile();
  const files = readdirSync(profileDir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(profileDir, name));
  const summary = summarise(files);
  console.log(`\nSelf time, both nodes (${summary.totalMs} ms sampled, idle excluded), by place:`);
  for (const row of summary.places) console.log(`  ${String(row.percent).padStart(5)}%  ${row.name}`);
  console.log('\nTop functions by self time:');
  for (const row of summary.functions) console.log(`  ${String(row.percent).padStart(5)}%  ${row.name}`);
  console.log('\nNative self time by the JS frames that called it:');
  for (const row of summary.natives) console.log(`  ${String(row.percent).padStart(5)}%  ${row.name}`);
  console.log(JSON.stringify({ roundTrips: trips, writes: { perSecond: load.perSecond, p99: load.latency.p99 } }));
  if (!args.includes('--keep')) rmSync(profileDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
