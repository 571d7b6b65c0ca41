import { performance } from 'node:perf_hooks';
import { bearer, startTestApp, type TestApp } from './support/test-app';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

describe('sign-in timing', () => {
  const saved = { ...process.env };
  let t: TestApp;

  beforeAll(async () => {
    // Many refusals in a row are the point here: the brute-force limit must not answer (fast) for them.
    process.env.LOGIN_MAX_FAILURES_PER_ACCOUNT = '1000';
    process.env.LOGIN_MAX_FAILURES_PER_IP = '1000';
    t = await startTestApp();
  });

  afterAll(async () => {
    process.env = saved;
    await t?.close();
  });

  it('costs the same for an unknown email, a disabled account and a wrong password', async () => {
    const real = await t.user('viewer');
    const disabled = await t.user('viewer');
    await t.http.delete(`/api/users/${disabled.id}`).set(bearer(t.adminToken)).expect(200);
    const timed = async (email: string) => {
      const started = performance.now();
      await t.http.post('/api/auth/login').send({ email, password: 'not-the-password-1' }).expect(401);
      return performance.now() - started;
    };
    const samples = { wrong: [] as number[], unknown: [] as number[], disabled: [] as number[] };
    await timed(real.email); // warm-up (dummy hash, pools)
    for (let i = 0; i < 15; i += 1) {
      samples.wrong.push(await timed(real.email));
      samples.unknown.push(await timed(`nobody-${i}-${Date.now()}@test.local`));
      samples.disabled.push(await timed(disabled.email));
    }
    const wrong = median(samples.wrong);
    for (const other of [median(samples.unknown), median(samples.disabled)]) {
      expect(other).toBeLessThan(wrong * 3);
      expect(other).toBeGreaterThan(wrong / 3);
    }
  });
});
