import { bearer, startTestApp, type TestApp } from './support/test-app';

describe('users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lets an admin create, list, update and disable users, each audited', async () => {
    const since = await t.lastSeq();
    const created = await t.http
      .post('/api/users')
      .set(bearer(t.adminToken))
      .send({ email: 'Ann@Example.com', name: 'Ann', password: 'long-password', role: 'member' })
      .expect(201);
    expect(created.body).toMatchObject({ email: 'ann@example.com', name: 'Ann', role: 'member', disabled: false });
    expect(created.body.passwordHash).toBeUndefined();

    const list = await t.http.get('/api/users').set(bearer(t.adminToken)).expect(200);
    expect(list.body.items.map((user: { email: string }) => user.email)).toContain('ann@example.com');
    expect(list.body).toHaveProperty('nextCursor');

    const updated = await t.http
      .patch(`/api/users/${created.body.id}`)
      .set(bearer(t.adminToken))
      .send({ role: 'approver', version: created.body.version })
      .expect(200);
    expect(updated.body).toMatchObject({ role: 'approver', version: created.body.version + 1 });

    await t.http.delete(`/api/users/${created.body.id}`).set(bearer(t.adminToken)).expect(200);
    await t.http.post('/api/auth/login').send({ email: 'ann@example.com', password: 'long-password' }).expect(401);

    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => entry.action)).toEqual([
      'user.created',
      'user.updated',
      'user.disabled',
      'auth.login_failed',
    ]);
    expect(audit[1].changes).toEqual({ role: ['member', 'approver'] });
    expect(JSON.stringify(audit)).not.toContain('long-password');
  });

  it('treats email as case-insensitive and unique', async () => {
    await t.http
      .post('/api/users')
      .set(bearer(t.adminToken))
      .send({ email: 'dup@example.com', name: 'A', password: 'long-password', role: 'viewer' })
      .expect(201);
    const second = await t.http
      .post('/api/users')
      .set(bearer(t.adminToken))
      .send({ email: 'DUP@example.com', name: 'B', password: 'long-password', role: 'viewer' })
      .expect(409);
    expect(second.body.code).toBe('conflict');
  });

  it('refuses a stale version with 409 and the current user', async () => {
    const user = await t.user('viewer');
    const current = await t.http
      .patch(`/api/users/${user.id}`)
      .set(bearer(t.adminToken))
      .send({ name: 'first', version: 1 })
      .expect(200);
    const stale = await t.http
      .patch(`/api/users/${user.id}`)
      .set(bearer(t.adminToken))
      .send({ name: 'second', version: 1 })
      .expect(409);
    expect(stale.body).toMatchObject({ code: 'version_conflict', current: { id: user.id, name: 'first' } });
    expect(current.body.version).toBe(2);
  });

  it('refuses non-admins with 403 and audits the refusal', async () => {
    const member = await t.user('approver');
    const since = await t.lastSeq();
    const response = await t.http.get('/api/users').set(bearer(member.token)).expect(403);
    expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'forbidden' });
    await t.http
      .post('/api/users')
      .set(bearer(member.token))
      .send({ email: 'x@example.com', name: 'X', password: 'long-password', role: 'admin' })
      .expect(403);
    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => [entry.action, entry.outcome, entry.actor.id])).toEqual([
      ['access.denied', 'denied', member.id],
      ['access.denied', 'denied', member.id],
    ]);
    expect(await t.sql(`select 1 from users where email = 'x@example.com'`)).toHaveLength(0);
  });

  it('rejects bad input: unknown fields, wrong types, bad UUIDs, unknown ids', async () => {
    const bad = await t.http
      .post('/api/users')
      .set(bearer(t.adminToken))
      .send({ email: 'not-an-email', name: 5, password: 'short', role: 'boss', admin: true })
      .expect(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'admin',
      'email',
      'name',
      'password',
      'role',
    ]);
    const badId = await t.http.patch('/api/users/not-a-uuid').set(bearer(t.adminToken)).send({ name: 'x' }).expect(400);
    expect(badId.body.details).toEqual([{ field: 'id', errors: ['must be a UUID'] }]);
    await t.http
      .patch('/api/users/01a2098e-fdb5-733e-a4d0-9a9aa7fa1b51')
      .set(bearer(t.adminToken))
      .send({ name: 'x' })
      .expect(404);
  });

  it('keeps an admin from demoting or disabling themselves', async () => {
    const me = await t.http.get('/api/auth/me').set(bearer(t.adminToken)).expect(200);
    await t.http.patch(`/api/users/${me.body.user.id}`).set(bearer(t.adminToken)).send({ role: 'viewer' }).expect(400);
  });

  it('generates a one-time password when none is sent, answers it once, and resets it (audited, sessions end)', async () => {
    const created = await t.http
      .post('/api/users')
      .set(bearer(t.adminToken))
      .send({ email: 'temp@example.com', name: 'Tess Temp', role: 'member' })
      .expect(201);
    const first = created.body.temporaryPassword as string;
    expect(first).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const listed = await t.http.get('/api/users').set(bearer(t.adminToken)).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(first);
    const login = await t.http.post('/api/auth/login').send({ email: 'temp@example.com', password: first }).expect(200);

    const since = await t.lastSeq();
    const reset = await t.http
      .post(`/api/users/${created.body.id}/reset-password`)
      .set(bearer(t.adminToken))
      .expect(200);
    const second = reset.body.temporaryPassword as string;
    expect(Object.keys(reset.body)).toEqual(['temporaryPassword']);
    expect(second).not.toBe(first);
    await t.http.get('/api/auth/me').set(bearer(login.body.token)).expect(401); // the old session ended
    await t.http.post('/api/auth/login').send({ email: 'temp@example.com', password: first }).expect(401);
    await t.http.post('/api/auth/login').send({ email: 'temp@example.com', password: second }).expect(200);

    const audit = await t.auditAfter(since);
    expect(audit[0]).toMatchObject({
      action: 'user.updated',
      entityId: created.body.id,
      changes: { password: ['(hidden)', '(reset)'] },
      context: { passwordReset: true, sessionsEnded: 1 },
    });
    expect(JSON.stringify(audit)).not.toContain(second);
  });

  it('lets only admins reset a password, and 404s an unknown user', async () => {
    const member = await t.user('approver');
    await t.http.post(`/api/users/${member.id}/reset-password`).set(bearer(member.token)).expect(403);
    await t.http
      .post('/api/users/01a2098e-fdb5-733e-a4d0-9a9aa7fa1b51/reset-password')
      .set(bearer(t.adminToken))
      .expect(404);
  });

  it('tells anyone signed in who the people are by name (no emails), and refuses the anonymous', async () => {
    const viewer = await t.user('viewer', 'Val Viewer');
    const directory = await t.http.get('/api/users/directory').set(bearer(viewer.token)).expect(200);
    const val = directory.body.items.find((person: { id: string }) => person.id === viewer.id);
    expect(val).toEqual({ id: viewer.id, name: 'Val Viewer', role: 'viewer', disabled: false });
    expect(JSON.stringify(directory.body)).not.toContain('@');
    await t.http.get('/api/users/directory').expect(401);
    await t.http.get('/api/users').set(bearer(viewer.token)).expect(403);
  });
});
