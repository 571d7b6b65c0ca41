import { request as httpRequest } from 'node:http';
import { startRedisServer, type RedisServer } from '../../scripts/cluster-lib.mjs';
import { DrainState } from '../src/modules/health/drain-state';
import { gracefulShutdown } from '../src/modules/health/graceful-shutdown';
import { connected, rawSocket, touchWorkflow, waitFor } from './support/nodes';
import { ADMIN, bearer, createTestDatabase, startTestApp, type TestApp } from './support/test-app';

const METRICS_TOKEN = 'health-spec-metrics-token';

describe('health, readiness and metrics', () => {
  const saved = { ...process.env };
  let redis: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    redis = await startRedisServer();
    t = await startTestApp({ redisUrl: redis.url });
  });

  afterAll(async () => {
    process.env = saved;
    await t?.close();
    await redis?.stop();
  });

  it('answers liveness without credentials', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('is ready when the database, the migrations and Redis are', async () => {
    const response = await t.http.get('/health/ready').expect(200);
    expect(response.body).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok', redis: 'ok' } });
  });

  it('turns unready while Redis is down and ready again when it is back', async () => {
    await redis.stop();
    const down = await t.http.get('/health/ready').expect(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks.database).toBe('ok');
    expect(down.body.checks.redis).not.toBe('ok');
    // REST keeps working without Redis: rate limits fail open, fan-out is per node.
    await t.http.get('/api/auth/me').set(bearer(t.adminToken)).expect(200);
    await redis.start();
    await t.http.get('/health/ready').expect(200);
  });

  it('turns unready while draining', async () => {
    const drain = t.app.get(DrainState);
    drain.draining = true;
    try {
      const response = await t.http.get('/health/ready').expect(503);
      expect(response.body.checks.node).toBe('shutting down');
    } finally {
      drain.draining = false;
    }
  });

  it('counts sockets, emitted events and replays in the metrics', async () => {
    const socket = rawSocket(t.url, { token: t.adminToken });
    try {
      await connected(socket);
      const workflow = await t.workflow();
      const ack = await socket.emitWithAck('subscribe', { channel: 'workflows', since: 0 });
      expect(ack).toMatchObject({ ok: true, replayed: 1 });
      await waitFor('the workflow event to be emitted', async () => {
        await touchWorkflow(t, workflow.id);
        return /tandem_events_emitted_total\{type="workflow.updated"\} [1-9]/.test(
          (await t.http.get('/metrics').set(bearer(METRICS_TOKEN))).text,
        );
      });
      const text = (await t.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(200)).text;
      expect(text).toMatch(/tandem_socket_connections [1-9]/);
      expect(text).toMatch(/tandem_replays_served_total\{outcome="replayed"\} [1-9]/);
      expect(text).toMatch(/tandem_replayed_events_total [1-9]/);
    } finally {
      socket.disconnect();
    }
  });

  it('exposes Prometheus metrics with per-route latency and event-loop lag', async () => {
    await t.http.get('/api/auth/me').set(bearer(t.adminToken)).expect(200);
    const missing = '0190f2a0-0000-7000-8000-000000000001';
    await t.http.get(`/api/agents/${missing}`).set(bearer(t.adminToken)).expect(404);
    const response = await t.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.text;
    expect(text).toMatch(
      /tandem_http_request_duration_seconds_count\{method="GET",route="\/api\/auth\/me",status="200"\} \d+/,
    );
    // Route patterns, not raw URLs: one series for all agent ids.
    expect(text).toMatch(/route="\/api\/agents\/:id",status="404"/);
    expect(text).not.toContain(missing);
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'tandem_socket_connections',
      'tandem_events_emitted_total',
      'tandem_replays_served_total',
      'tandem_redis_adapter_errors_total',
      'process_resident_memory_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("counts the group commit's batches and the writes in them", async () => {
    const sumOf = (text: string) => Number(/^tandem_write_batch_size_sum (\S+)$/m.exec(text)?.[1] ?? 0);
    const before = sumOf((await t.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(200)).text);
    await Promise.all(Array.from({ length: 6 }, () => t.workflow()));
    const text = (await t.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(200)).text;
    expect(sumOf(text) - before).toBeGreaterThanOrEqual(6); // background jobs may write too
    expect(text).toMatch(/^tandem_write_batch_size_count [1-9]/m);
    expect(text).toContain('# TYPE tandem_writes_requeued_total counter');
  });

  it('echoes the request id it logs with', async () => {
    const response = await t.http.get('/health').set('X-Request-Id', 'probe-123').expect(200);
    expect(response.headers['x-request-id']).toBe('probe-123');
  });
});

describe('graceful shutdown', () => {
  it('finishes the request in flight, refuses new connections and closes', async () => {
    const t = await startTestApp({ database: await createTestDatabase() });
    const port = Number(new URL(t.url).port);
    const body = JSON.stringify({ email: ADMIN.email, password: ADMIN.password });
    // A login whose body is still arriving when the shutdown starts.
    const inFlight = new Promise<{ status: number; connection: string | undefined; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/auth/login',
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += String(chunk)));
            res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), 700);
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const shutdown = gracefulShutdown(t.app, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${t.url}/health`)).rejects.toThrow();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toHaveProperty('token');
    expect(answered.connection).toBe('close');
    await expect(shutdown).resolves.toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The app is closed; its database goes with the run's global teardown.
    await t.close({ appClosed: true });
  });
});
