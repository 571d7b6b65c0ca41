import { WINDOW_MS } from '../src/common/rate-limit';
import { connected, rawSocket } from './support/nodes';
import { REDIS_URL } from './support/services';
import { bearer, createTestDatabase, startTestApp, type TestApp } from './support/test-app';

const AGENT_LIMIT = 5;
const HUMAN_LIMIT = 20;

/** Budgets are per fixed one-minute window: start each test well inside one so a reset cannot hide a 429. */
async function freshWindow() {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe('rate limits', () => {
  const saved = { ...process.env };
  let single: TestApp;
  let nodeA: TestApp;
  let nodeB: TestApp;

  beforeAll(async () => {
    process.env.RATE_LIMIT_AGENT_PER_MINUTE = String(AGENT_LIMIT);
    process.env.RATE_LIMIT_HUMAN_PER_MINUTE = String(HUMAN_LIMIT);
    single = await startTestApp();
    const shared = await createTestDatabase();
    nodeA = await startTestApp({ database: shared, redisUrl: REDIS_URL });
    nodeB = await startTestApp({ database: shared, redisUrl: REDIS_URL });
  });

  afterAll(async () => {
    process.env = saved;
    await Promise.all([single?.close(), nodeA?.close(), nodeB?.close()]);
  });

  it('answers 429 with Retry-After once an agent spends its budget, and keeps serving humans', async () => {
    const agent = await single.agent();
    const other = await single.agent();
    const member = await single.user('member');
    await freshWindow();
    for (let i = 0; i < AGENT_LIMIT; i += 1) {
      const ok = await single.http.get('/api/auth/me').set(bearer(agent.key)).expect(200);
      expect(ok.headers['ratelimit-remaining']).toBe(String(AGENT_LIMIT - i - 1));
    }
    const refused = await single.http.get('/api/auth/me').set(bearer(agent.key)).expect(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'rate_limited' });
    expect(refused.body.details).toMatchObject({ limit: AGENT_LIMIT, retryAfterSeconds: retryAfter });
    // Writes are refused before they run: nothing reaches the audit log.
    const before = await single.lastSeq();
    await single.http.post('/api/auth/logout').set(bearer(agent.key)).expect(429);
    expect(await single.lastSeq()).toBe(before);
    // Separate buckets: the human and another agent are untouched by the runaway one.
    await single.http.get('/api/auth/me').set(bearer(member.token)).expect(200);
    await single.http.get('/api/auth/me').set(bearer(other.key)).expect(200);
    // Public probes are never limited.
    await single.http.get('/health').expect(200);
  });

  it('holds a budget across nodes through Redis', async () => {
    const agent = await nodeA.agent();
    await freshWindow();
    for (let i = 0; i < AGENT_LIMIT; i += 1) {
      const node = i % 2 === 0 ? nodeA : nodeB;
      await node.http.get('/api/auth/me').set(bearer(agent.key)).expect(200);
    }
    await nodeB.http.get('/api/auth/me').set(bearer(agent.key)).expect(429);
    await nodeA.http.get('/api/auth/me').set(bearer(agent.key)).expect(429);
  });

  it('gives socket messages their own budget, enforced by the gateway', async () => {
    const agent = await single.agent();
    const socket = rawSocket(single.url, { token: agent.key });
    try {
      await connected(socket);
      await freshWindow();
      const acks: Array<{ ok: boolean; error?: string }> = [];
      for (let i = 0; i <= AGENT_LIMIT; i += 1) acks.push(await socket.emitWithAck('subscribe', { channel: 'agents' }));
      expect(acks.slice(0, AGENT_LIMIT).every((ack) => ack.ok)).toBe(true);
      expect(acks[AGENT_LIMIT]).toEqual({ ok: false, error: 'rate_limited' });
      // The REST budget is separate.
      await single.http.get('/api/auth/me').set(bearer(agent.key)).expect(200);
    } finally {
      socket.disconnect();
    }
  });
});
