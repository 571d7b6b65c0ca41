import { startRedisServer, type RedisServer } from '../../scripts/cluster-lib.mjs';
import { startTestApp, type TestApp } from './support/test-app';

type LogLine = Record<string, unknown> & { msg: string; level: number };

/** Logs through nestjs-pino: a service's line written while it handles a request carries that request's id. */
describe('request logs', () => {
  const saved = { ...process.env };
  const lines: LogLine[] = [];
  let redis: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    process.env.LOG_REQUESTS = '1';
    process.env.LOG_LEVEL = 'info';
    redis = await startRedisServer();
    t = await startTestApp({
      redisUrl: redis.url,
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
    });
  });

  afterAll(async () => {
    process.env = saved;
    await t?.close();
    await redis?.stop();
  });

  it("tags a service's log line with the X-Request-Id of the request it was handling", async () => {
    // Start-up lines were written outside any request: no request id.
    const startup = lines.filter((line) => line.context === 'RoutesResolver');
    expect(startup.length).toBeGreaterThan(0);
    expect(startup.every((line) => line.reqId === undefined)).toBe(true);

    // With Redis gone, the sign-in limiter (a service) warns while it handles this sign-in, and counts in memory.
    await redis.stop();
    const response = await t.http
      .post('/api/auth/login')
      .set('X-Request-Id', 'log-check-1')
      .send({ email: 'nobody@test.local', password: 'wrong-password-1' })
      .expect(401);
    expect(response.headers['x-request-id']).toBe('log-check-1');
    const warning = lines.find((line) => line.context === 'LoginLimiter');
    expect(warning).toMatchObject({ reqId: 'log-check-1', node: expect.any(String) });
    expect(warning?.msg).toMatch(/sign-in limits are kept in memory/);
    await redis.start();

    // The request's own line: same id, method, URL, status, duration.
    const own = lines.find((line) => line.msg === 'request' && line.reqId === 'log-check-1');
    expect(own).toMatchObject({ req: { method: 'POST', url: '/api/auth/login' }, res: { status: 401 } });
    expect(typeof own?.ms).toBe('number');

    // An id the server made up (none sent) is the one the client sees.
    const other = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    const made = other.headers['x-request-id'];
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    const line = lines.find((entry) => entry.msg === 'request' && entry.reqId === made);
    expect(line).toMatchObject({ res: { status: 200 }, caller: expect.stringMatching(/^human:/) });
  });
});
