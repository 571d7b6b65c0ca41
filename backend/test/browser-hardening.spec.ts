import { freePort } from '../../scripts/cluster-lib.mjs';
import { connected, rawSocket } from './support/nodes';
import { ADMIN, bearer, startTestApp, type TestApp } from './support/test-app';

async function cookieLogin(t: TestApp, headers: Record<string, string> = {}) {
  const response = await t.http.post('/api/auth/login').set(headers).send(ADMIN).expect(200);
  const setCookie = response.headers['set-cookie'] as unknown as string[];
  return { cookie: setCookie[0].split(';')[0], setCookie: setCookie[0], token: response.body.token as string };
}

describe('browser-facing hardening', () => {
  const saved = { ...process.env };
  const METRICS_TOKEN = 'hardening-metrics-token';
  let t: TestApp;
  let proxied: TestApp;
  let metricsPort: number;

  beforeAll(async () => {
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    process.env.CORS_ORIGINS = 'https://app.example.com, https://admin.example.com/';
    t = await startTestApp();
    delete process.env.CORS_ORIGINS;
    metricsPort = await freePort();
    process.env.TRUST_PROXY = 'loopback';
    process.env.METRICS_PORT = String(metricsPort);
    delete process.env.METRICS_TOKEN;
    proxied = await startTestApp();
    process.env = { ...saved };
  });

  afterAll(async () => {
    process.env = saved;
    await Promise.all([t?.close(), proxied?.close()]);
  });

  it('sends its own security headers and no X-Powered-By', async () => {
    for (const path of ['/api/workflows', '/health', '/api/no-such-route']) {
      const response = await t.http.get(path);
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('refuses a cookie-authenticated mutation without the CSRF header (403 csrf, audited, nothing changed)', async () => {
    const { cookie } = await cookieLogin(t);
    const agent = await t.agent();
    const since = await t.lastSeq();

    const rotate = await t.http.post(`/api/agents/${agent.id}/rotate-key`).set('Cookie', cookie).expect(403);
    expect(rotate.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'csrf' });
    await t.http.post('/api/auth/logout').set('Cookie', cookie).expect(403);
    await t.http
      .post('/api/workflows')
      .set('Cookie', cookie)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ name: 'cross-site' }))
      .expect(403);
    // The old key still works and the session is still there: nothing happened.
    await t.http.get('/api/auth/me').set(bearer(agent.key)).expect(200);
    await t.http.get('/api/auth/me').set('Cookie', cookie).expect(200);
    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => entry.action)).toEqual(['access.denied', 'access.denied', 'access.denied']);
    expect(audit[0].context).toMatchObject({ csrf: true });

    // The app's own client sends the header; bearer callers never need it.
    await t.http.post(`/api/agents/${agent.id}/rotate-key`).set('Cookie', cookie).set('X-Tandem-CSRF', '1').expect(200);
    await t.http.post('/api/workflows').set(bearer(t.adminToken)).send({ name: 'bearer needs no header' }).expect(201);
    await t.http.post('/api/auth/logout').set('Cookie', cookie).set('X-Tandem-CSRF', '1').expect(204);
  });

  it('accepts a socket cookie only from its own origin or CORS_ORIGINS; tokens from anywhere', async () => {
    const { cookie, token } = await cookieLogin(t);
    const own = new URL(t.url).origin;
    const evil = rawSocket(t.url, {}, { Cookie: cookie, Origin: 'https://evil.example' });
    await expect(connected(evil)).rejects.toThrow('origin_not_allowed');
    evil.close();

    const home = rawSocket(t.url, {}, { Cookie: cookie, Origin: own });
    await connected(home);
    home.close();

    const listed = rawSocket(t.url, {}, { Cookie: cookie, Origin: 'https://admin.example.com' });
    await connected(listed);
    listed.close();

    const withToken = rawSocket(t.url, { token }, { Origin: 'https://evil.example' });
    await connected(withToken);
    withToken.close();
  });

  it('believes X-Forwarded-For/Proto only from TRUST_PROXY: Secure cookie and real address behind the proxy', async () => {
    const direct = await cookieLogin(t, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' });
    expect(direct.setCookie).not.toMatch(/;\s*Secure/i);
    const directAudit = (await t.auditAfter((await t.lastSeq()) - 1))[0];
    expect(directAudit.ip).not.toBe('203.0.113.9');

    const viaProxy = await cookieLogin(proxied, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' });
    expect(viaProxy.setCookie).toMatch(/;\s*Secure/i);
    expect(viaProxy.setCookie).toMatch(/HttpOnly/i);
    const proxiedAudit = (await proxied.auditAfter((await proxied.lastSeq()) - 1))[0];
    expect(proxiedAudit).toMatchObject({ action: 'auth.login', ip: '203.0.113.9' });
  });

  it('serves /metrics only with METRICS_TOKEN, or on the internal METRICS_PORT', async () => {
    const refused = await t.http.get('/metrics').expect(401);
    expect(refused.body.code).toBe('unauthorized');
    await t.http.get('/metrics').set(bearer('wrong-token')).expect(401);
    await t.http.get('/metrics').set(bearer(t.adminToken)).expect(401);
    const ok = await t.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);
    expect(ok.text).toContain('tandem_http_request_duration_seconds');

    await proxied.http.get('/metrics').expect(401);
    const internal = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(internal.status).toBe(200);
    expect(await internal.text()).toContain('process_resident_memory_bytes');
  });
});
