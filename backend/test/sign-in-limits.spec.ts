import type { AuditEntry } from '@tandem/shared';
import { startCluster, type Cluster } from './support/nodes';
import { REDIS_URL } from './support/services';
import { ADMIN, startTestApp, type TestApp } from './support/test-app';

const PER_ACCOUNT = 4;
const PER_ADDRESS = 12;

const login = (t: TestApp, email: string, password: string, headers: Record<string, string> = {}) =>
  t.http.post('/api/auth/login').set(headers).send({ email, password });

const failedLogins = (entries: AuditEntry[], email: string) =>
  entries.filter((entry) => entry.action === 'auth.login_failed' && entry.context?.email === email);

describe('sign-in brute-force limit', () => {
  const saved = { ...process.env };
  let cluster: Cluster;
  let single: TestApp;

  beforeAll(async () => {
    process.env.LOGIN_MAX_FAILURES_PER_ACCOUNT = String(PER_ACCOUNT);
    process.env.LOGIN_MAX_FAILURES_PER_IP = String(PER_ADDRESS);
    process.env.METRICS_TOKEN = 'sign-in-limits-metrics';
    cluster = await startCluster(REDIS_URL);
    single = await startTestApp();
  });

  afterAll(async () => {
    process.env = saved;
    await Promise.all([cluster?.close(), single?.close()]);
  });

  it('counts wrong passwords for one account across two nodes, then answers 429 with Retry-After', async () => {
    const { a, b } = cluster;
    const victim = await a.user('member');
    const since = await a.lastSeq();
    for (const node of [a, a, b, b]) await login(node, victim.email, 'wrong-password-1').expect(401);

    const refused = await login(b, victim.email, 'password-123').expect(429);
    expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'rate_limited' });
    expect(typeof refused.body.message).toBe('string');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Even the right password is refused on either node until the window passes.
    await login(a, victim.email, 'password-123').expect(429);
    for (let i = 0; i < 5; i += 1) await login(i % 2 ? a : b, victim.email, 'wrong-password-1').expect(429);

    // Four refusals and the first 429 are audited; the later 429s are only counted.
    const entries = failedLogins(await a.auditAfter(since), victim.email);
    expect(entries.map((entry) => entry.context?.reason)).toEqual([
      'bad_credentials',
      'bad_credentials',
      'bad_credentials',
      'bad_credentials',
      'rate_limited',
    ]);
    expect(entries.every((entry) => entry.outcome === 'denied')).toBe(true);
    const metrics = await b.http.get('/metrics').set('Authorization', 'Bearer sign-in-limits-metrics').expect(200);
    expect(metrics.text).toMatch(/tandem_login_refused_total\{scope="account"\} [1-9]/);
  });

  it('limits one client address across accounts (unknown emails included), ignoring a spoofed X-Forwarded-For', async () => {
    const { a, b } = cluster;
    const since = await a.lastSeq();
    // The first test spent PER_ACCOUNT failures from this address already.
    for (let i = PER_ACCOUNT; i < PER_ADDRESS; i += 1) {
      const node = i % 2 ? a : b;
      await login(node, `nobody-${i}@test.local`, 'wrong-password-1', { 'X-Forwarded-For': `203.0.113.${i}` }).expect(
        401,
      );
    }
    const refused = await login(a, ADMIN.email, ADMIN.password, { 'X-Forwarded-For': '198.51.100.7' }).expect(429);
    expect(refused.body.details).toMatchObject({ scope: 'address' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 20; i += 1) await login(b, `flood-${i}@test.local`, 'x').expect(429);

    const entries = (await a.auditAfter(since)).filter((entry) => entry.action === 'auth.login_failed');
    // Bounded: one entry per refused attempt under the limit, one for the first 429, none for the flood.
    expect(entries).toHaveLength(PER_ADDRESS - PER_ACCOUNT + 1);
    expect(entries.every((entry) => entry.ip === '127.0.0.1' || entry.ip === '::ffff:127.0.0.1')).toBe(true);
  });

  it('keeps the same limits in memory on a single node without Redis, and a sign-in clears the account count', async () => {
    const user = await single.user('viewer');
    for (let i = 0; i < PER_ACCOUNT - 1; i += 1) await login(single, user.email, 'wrong-password-1').expect(401);
    await login(single, user.email, 'password-123').expect(200);
    for (let i = 0; i < PER_ACCOUNT; i += 1) await login(single, user.email, 'wrong-password-1').expect(401);
    const refused = await login(single, user.email, 'password-123').expect(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body.code).toBe('rate_limited');
  });
});
