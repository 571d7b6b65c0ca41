import { bearer, startTestApp, ADMIN, type TestApp } from './support/test-app';

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('logs in with a session cookie and a token, answers /me, and logs out', async () => {
    const since = await t.lastSeq();
    const login = await t.http.post('/api/auth/login').send({ email: 'ADMIN@test.local', password: ADMIN.password });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email: ADMIN.email, role: 'admin' });
    expect(login.body.user.passwordHash).toBeUndefined();
    const cookie = login.headers['set-cookie'] as unknown as string[];
    expect(cookie.join(';')).toMatch(/tandem_session=.*HttpOnly.*SameSite=Lax/i);

    const me = await t.http.get('/api/auth/me').set('Cookie', cookie[0].split(';')[0]).expect(200);
    expect(me.body).toMatchObject({ type: 'human', user: { email: ADMIN.email } });

    await t.http.post('/api/auth/logout').set(bearer(login.body.token)).expect(204);
    await t.http.get('/api/auth/me').set(bearer(login.body.token)).expect(401);

    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => entry.action)).toEqual(['auth.login', 'auth.logout']);
    expect(audit[0]).toMatchObject({ actor: { type: 'human', name: 'Admin' }, outcome: 'success' });
    expect(audit[0].ip).toBeTruthy();
    expect(audit[0].requestId).toBeTruthy();
  });

  it('refuses a wrong password with 401 and audits the failed login', async () => {
    const since = await t.lastSeq();
    const response = await t.http.post('/api/auth/login').send({ email: ADMIN.email, password: 'nope' }).expect(401);
    expect(response.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Wrong email or password',
      code: 'unauthorized',
    });
    const audit = await t.auditAfter(since);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'auth.login_failed', outcome: 'denied', context: { email: ADMIN.email } });
  });

  it('answers 401 without credentials and with a bad token', async () => {
    await t.http.get('/api/workflows').expect(401);
    const response = await t.http.get('/api/workflows').set(bearer('tss_nope')).expect(401);
    expect(response.body.code).toBe('unauthorized');
    await t.http.get('/api/workflows').set(bearer('tdm_nope')).expect(401);
  });

  it('validates the login body', async () => {
    const response = await t.http.post('/api/auth/login').send({ email: 3, extra: true }).expect(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'email',
      'extra',
      'password',
    ]);
  });

  it('serves the OpenAPI document', async () => {
    const response = await t.http.get('/api/docs/json').expect(200);
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/workflows']));
  });
});
