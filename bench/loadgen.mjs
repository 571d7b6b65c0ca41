// The load generator: its own process (forked by bench/run.mjs), so its CPU does not mix with the servers'.
// It receives one scenario over IPC, runs it and answers with its figures and its own CPU time.
import { io } from 'socket.io-client';
import { Histogram } from './histogram.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens `count` sockets, alternating over `urls`, `batch` at a time; each subscribes to `channel`. */
async function openClients({ urls, token, channel, count, onEvent, batch = 200 }) {
  const clients = [];
  for (let start = 0; start < count; start += batch) {
    const opening = [];
    for (let i = start; i < Math.min(count, start + batch); i += 1) {
      const socket = io(urls[i % urls.length], {
        transports: ['websocket'],
        auth: { token },
        forceNew: true,
        reconnection: false,
        timeout: 30_000,
      });
      const client = { index: i, socket };
      clients.push(client);
      if (onEvent) socket.on('event', (envelope) => onEvent(client, envelope));
      opening.push(
        new Promise((resolve, reject) => {
          socket.once('connect_error', reject);
          socket.once('connect', () => {
            if (!channel) return resolve();
            socket.timeout(30_000).emit('subscribe', { channel }, (error, ack) => {
              if (error || !ack?.ok) reject(new Error(`subscribe failed: ${error?.message ?? JSON.stringify(ack)}`));
              else resolve();
            });
          });
        }),
      );
    }
    await Promise.all(opening);
  }
  return clients;
}

function closeClients(clients) {
  for (const { socket } of clients) socket.disconnect();
}

async function post(url, token, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const otherStatus = (status) => (status === 'pending' ? 'in_progress' : 'pending');

/**
 * Fan-out: subscribers on both nodes; a driver moves tasks over REST at a fixed open-loop rate; every event's
 * latency is receipt time at each client minus the time its REST request was sent.
 */
async function fanout(config) {
  const { socketUrls, restUrl, token, channel, subscribers, rate, durationS, drainS = 15 } = config;
  const tasks = config.tasks.map((task) => ({ ...task, busy: false }));
  const expectedMax = Math.ceil(rate * durationS) + 1;
  const sentAt = new Float64Array(expectedMax);
  const byKey = new Map();
  // counts[client * expectedMax + event]: duplicates show as 2+.
  const counts = new Uint8Array(subscribers * expectedMax);
  const delivery = new Histogram();
  let deliveries = 0;
  let lastDelivery = 0;
  const onEvent = (client, envelope) => {
    const index = byKey.get(`${envelope.data?.id}:${envelope.data?.version}`);
    if (index === undefined) return;
    const now = performance.now();
    const slot = client.index * expectedMax + index;
    if (counts[slot] < 255) counts[slot] += 1;
    if (counts[slot] === 1) {
      delivery.record(now - sentAt[index]);
      deliveries += 1;
      lastDelivery = now;
    }
  };
  const clients = await openClients({ urls: socketUrls, token, channel, count: subscribers, onEvent });
  const rest = new Histogram();
  let sent = 0;
  let committed = 0;
  let errors = 0;
  let skipped = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const move = async (task, index) => {
    const t0 = performance.now();
    sentAt[index] = t0;
    byKey.set(`${task.id}:${task.version + 1}`, index);
    try {
      const response = await post(`${restUrl}/api/tasks/${task.id}/move`, token, {
        status: otherStatus(task.status),
        version: task.version,
      });
      rest.record(performance.now() - t0);
      if (response.status === 200 || response.status === 201) {
        committed += 1;
        task.version = response.body.version;
        task.status = response.body.status;
      } else {
        errors += 1;
        byKey.delete(`${task.id}:${task.version + 1}`);
        sentAt[index] = NaN;
      }
    } catch {
      errors += 1;
      sentAt[index] = NaN;
    } finally {
      task.busy = false;
    }
  };
  const inflight = [];
  // Open loop: request k is due at start + k / rate, whether or not earlier ones were answered.
  while (sent < expectedMax - 1) {
    const due = started + (sent / rate) * 1000;
    const now = performance.now();
    if (now - started > durationS * 1000) break;
    if (due > now) {
      await sleep(Math.min(due - now, 50));
      continue;
    }
    let task = null;
    for (let probe = 0; probe < tasks.length && !task; probe += 1) {
      const candidate = tasks[(next + probe) % tasks.length];
      if (!candidate.busy) task = candidate;
    }
    next += 1;
    if (!task) {
      skipped += 1;
      sent += 1;
      continue;
    }
    task.busy = true;
    inflight.push(move(task, sent));
    sent += 1;
  }
  const sendWindowMs = performance.now() - started;
  await Promise.all(inflight);
  const expectedDeliveries = committed * subscribers;
  const drainUntil = performance.now() + drainS * 1000;
  while (deliveries < expectedDeliveries && performance.now() < drainUntil) await sleep(100);
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - started;
  let duplicated = 0;
  for (let i = 0; i < counts.length; i += 1) if (counts[i] > 1) duplicated += counts[i] - 1;
  closeClients(clients);
  return {
    subscribers,
    rate,
    sent: sent - skipped,
    committed,
    errors,
    skipped,
    sendWindowS: sendWindowMs / 1000,
    rest: rest.summary(),
    delivery: delivery.summary(),
    deliveries,
    expectedDeliveries,
    lost: expectedDeliveries - deliveries,
    duplicated,
    deliveredPerSecond: deliveries / (Math.max(lastDelivery - started, 1) / 1000),
    loadgenCpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  };
}

/**
 * Closed loop: each group's `concurrency` workers send their next write as soon as the previous one is answered.
 * `groups` mixes kinds in one run (e.g. moves and decisions at once); a single group may be given flat.
 */
async function writes(config) {
  const { restUrl, token, durationS } = config;
  const groups = config.groups ?? [{ kind: config.kind, concurrency: config.concurrency, items: config.items }];
  const latency = new Histogram();
  const byKind = {};
  let ok = 0;
  let errors = 0;
  const statuses = {};
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationS * 1000;
  const worker = async (group, slot) => {
    const { kind, concurrency } = group;
    const stats = (byKind[kind] ??= { ok: 0, errors: 0, latency: new Histogram() });
    const tasks = kind === 'move' ? group.work.filter((_, i) => i % concurrency === slot) : null;
    let turn = 0;
    while (performance.now() < deadline) {
      let request;
      if (kind === 'move') {
        const task = tasks[turn++ % tasks.length];
        request = () =>
          post(`${restUrl}/api/tasks/${task.id}/move`, token, {
            status: otherStatus(task.status),
            version: task.version,
          }).then((response) => {
            if (response.status === 200)
              Object.assign(task, { version: response.body.version, status: response.body.status });
            return response;
          });
      } else {
        const suggestion = group.work.pop();
        if (!suggestion) break;
        request = () =>
          post(`${restUrl}/api/suggestions/${suggestion.id}/decision`, token, {
            decision: 'approve',
            revision: suggestion.revision,
          });
      }
      const t0 = performance.now();
      const response = await request().catch(() => ({ status: 0 }));
      const ms = performance.now() - t0;
      latency.record(ms);
      stats.latency.record(ms);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 200 || response.status === 201) {
        ok += 1;
        stats.ok += 1;
      } else {
        errors += 1;
        stats.errors += 1;
      }
    }
  };
  const running = [];
  for (const group of groups) {
    group.work = group.items.slice();
    for (let slot = 0; slot < group.concurrency; slot += 1) running.push(worker(group, slot));
  }
  await Promise.all(running);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    kind: groups.map((group) => group.kind).join('+'),
    concurrency: groups.reduce((sum, group) => sum + group.concurrency, 0),
    ok,
    errors,
    statuses,
    perSecond: ok / (wallMs / 1000),
    latency: latency.summary(),
    byKind: Object.fromEntries(
      Object.entries(byKind).map(([kind, stats]) => [
        kind,
        { ok: stats.ok, errors: stats.errors, perSecond: stats.ok / (wallMs / 1000), latency: stats.latency.summary() },
      ]),
    ),
    exhausted: groups.some((group) => group.kind === 'decision' && group.work.length === 0),
    loadgenCpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  };
}

let idle = [];

process.on('message', async ({ id, scenario, config }) => {
  try {
    let result;
    if (scenario === 'fanout') result = await fanout(config);
    else if (scenario === 'writes') result = await writes(config);
    else if (scenario === 'idle-open') {
      idle = await openClients({
        urls: config.urls,
        token: config.token,
        channel: config.channel,
        count: config.count,
      });
      result = { open: idle.length };
    } else if (scenario === 'idle-close') {
      closeClients(idle);
      idle = [];
      result = { open: 0 };
    } else throw new Error(`unknown scenario ${scenario}`);
    process.send({ id, result });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
