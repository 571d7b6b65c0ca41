import { Secret, TOTP } from 'otpauth';
import type { AuditEntry } from '@tandem/shared';
import { assertAdminPassword, passwordProblems } from '../src/modules/auth/password-policy';
import { bearer, startTestApp, type TestApp } from './support/test-app';

const totp = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
/** The code of the next 30 s step, accepted within the ±1 step window and never used before. */
const nextCode = (secret: string) => totp(secret).generate({ timestamp: Date.now() + 30_000 });
const actions = (entries: AuditEntry[]) => entries.map((entry) => entry.action);

async function enrol(t: TestApp, token: string) {
  const setup = await t.http.post('/api/auth/mfa/setup').set(bearer(token)).expect(200);
  const enabled = await t.http
    .post('/api/auth/mfa/enable')
    .set(bearer(token))
    .send({ code: totp(setup.body.secret).generate() })
    .expect(200);
  return { secret: setup.body.secret as string, recoveryCodes: enabled.body.recoveryCodes as string[] };
}

describe('account security', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('password policy', () => {
    it('refuses short and common passwords on creation, reset and ADMIN_PASSWORD', async () => {
      for (const password of ['short-pw', 'password1234', 'Password123!', '123456789012', 'aaaaaaaaaaaaaaa']) {
        const response = await t.http
          .post('/api/users')
          .set(bearer(t.adminToken))
          .send({ email: `weak-${Math.random()}@test.local`, name: 'W', password, role: 'viewer' })
          .expect(400);
        expect(response.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'password' }] });
      }
      const user = await t.user('viewer');
      await t.http
        .patch(`/api/users/${user.id}`)
        .set(bearer(t.adminToken))
        .send({ password: 'qwerty123456' })
        .expect(400);
      expect(passwordProblems('correct horse battery staple')).toEqual([]);
      expect(() => assertAdminPassword('admin')).toThrow(/ADMIN_PASSWORD/);
      expect(() => assertAdminPassword('a-long-and-unusual-one')).not.toThrow();
    });
  });

  describe('self-service password change', () => {
    it('needs the current password, applies the policy, ends the other sessions and is audited', async () => {
      const user = await t.user('member');
      const other = (await t.http.post('/api/auth/login').send({ email: user.email, password: 'password-123' })).body
        .token as string;
      const since = await t.lastSeq();

      const wrong = await t.http
        .post('/api/auth/password')
        .set(bearer(user.token))
        .send({ current: 'not-my-password', next: 'a-brand-new-secret' })
        .expect(403);
      expect(wrong.body).toMatchObject({ statusCode: 403, code: 'wrong_password' });
      const weak = await t.http
        .post('/api/auth/password')
        .set(bearer(user.token))
        .send({ current: 'password-123', next: 'iloveyou1234' })
        .expect(400);
      expect(weak.body.details).toEqual([expect.objectContaining({ field: 'next' })]);
      await t.http.get('/api/auth/me').set(bearer(other)).expect(200);

      await t.http
        .post('/api/auth/password')
        .set(bearer(user.token))
        .send({ current: 'password-123', next: 'a-brand-new-secret' })
        .expect(204);
      await t.http.get('/api/auth/me').set(bearer(other)).expect(401);
      await t.http.get('/api/auth/me').set(bearer(user.token)).expect(200);
      await t.http.post('/api/auth/login').send({ email: user.email, password: 'password-123' }).expect(401);
      await t.http.post('/api/auth/login').send({ email: user.email, password: 'a-brand-new-secret' }).expect(200);

      const audit = await t.auditAfter(since);
      const changed = audit.find((entry) => entry.action === 'auth.password_changed');
      expect(changed).toMatchObject({ actor: { type: 'human', id: user.id }, entityId: user.id, outcome: 'success' });
      expect((changed?.context as { endedSessions: string[] }).endedSessions).toHaveLength(1);
      expect(JSON.stringify(audit)).not.toContain('a-brand-new-secret');
      expect(audit.find((entry) => entry.action === 'auth.login_failed')?.context).toMatchObject({
        reason: 'wrong_current_password',
      });
    });

    it('is for humans only', async () => {
      const agent = await t.agent();
      await t.http
        .post('/api/auth/password')
        .set(bearer(agent.key))
        .send({ current: 'x', next: 'y-long-enough-1' })
        .expect(403);
    });
  });

  describe('sessions', () => {
    it('lists my sessions, ends one, and signs out the others', async () => {
      const user = await t.user('viewer');
      const login = () =>
        t.http
          .post('/api/auth/login')
          .set('User-Agent', 'second-browser')
          .send({ email: user.email, password: 'password-123' });
      const second = (await login()).body.token as string;
      const third = (await login()).body.token as string;
      const list = await t.http.get('/api/auth/sessions').set(bearer(user.token)).expect(200);
      expect(list.body).toHaveLength(3);
      expect(list.body.filter((session: { current: boolean }) => session.current)).toHaveLength(1);
      expect(list.body.map((session: { userAgent: string }) => session.userAgent)).toContain('second-browser');
      expect(list.body[0]).toEqual(
        expect.objectContaining({ id: expect.any(String), createdAt: expect.any(String), ip: expect.any(String) }),
      );

      const admins = await t.http.get('/api/auth/sessions').set(bearer(t.adminToken)).expect(200);
      const foreign = admins.body[0].id as string;
      await t.http.delete(`/api/auth/sessions/${foreign}`).set(bearer(user.token)).expect(404);
      await t.http.delete('/api/auth/sessions/not-a-uuid').set(bearer(user.token)).expect(400);

      const secondId = (await t.http.get('/api/auth/sessions').set(bearer(second)).expect(200)).body.find(
        (session: { current: boolean }) => session.current,
      ).id as string;
      const since = await t.lastSeq();
      await t.http.delete(`/api/auth/sessions/${secondId}`).set(bearer(user.token)).expect(204);
      await t.http.get('/api/auth/me').set(bearer(second)).expect(401);
      const revoked = await t.http.post('/api/auth/sessions/revoke-others').set(bearer(user.token)).expect(200);
      expect(revoked.body).toEqual({ revoked: 1 });
      await t.http.get('/api/auth/me').set(bearer(third)).expect(401);
      await t.http.get('/api/auth/me').set(bearer(user.token)).expect(200);
      expect(actions(await t.auditAfter(since))).toEqual(['auth.sessions_revoked', 'auth.sessions_revoked']);
    });
  });

  describe('two-factor sign-in', () => {
    it('enrols with a confirmed code, then login needs a second step that answers like a login', async () => {
      const user = await t.user('approver');
      const since = await t.lastSeq();
      const setup = await t.http.post('/api/auth/mfa/setup').set(bearer(user.token)).expect(200);
      expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Tandem:.+\?.*secret=/);
      expect(setup.body.qrCode).toMatch(/^data:image\/png;base64,/);
      await t.http.post('/api/auth/mfa/enable').set(bearer(user.token)).send({ code: '000000' }).expect(401);
      const enabled = await t.http
        .post('/api/auth/mfa/enable')
        .set(bearer(user.token))
        .send({ code: totp(setup.body.secret).generate() })
        .expect(200);
      expect(enabled.body.recoveryCodes).toHaveLength(10);
      expect((await t.http.get('/api/auth/me').set(bearer(user.token))).body.user.mfaEnabled).toBe(true);

      const first = await t.http
        .post('/api/auth/login')
        .send({ email: user.email, password: 'password-123' })
        .expect(200);
      expect(first.body).toEqual({ mfaRequired: true, challenge: expect.stringMatching(/^tmc_/) });
      expect(first.headers['set-cookie']).toBeUndefined();

      const bad = await t.http
        .post('/api/auth/mfa')
        .send({ challenge: first.body.challenge, code: '123456' })
        .expect(401);
      expect(bad.body.code).toBe('invalid_mfa_code');
      const code = nextCode(setup.body.secret);
      const done = await t.http.post('/api/auth/mfa').send({ challenge: first.body.challenge, code }).expect(200);
      expect(done.body).toMatchObject({ token: expect.stringMatching(/^tss_/), user: { id: user.id } });
      expect(String(done.headers['set-cookie'])).toMatch(/tandem_session=.*HttpOnly/);
      await t.http.get('/api/auth/me').set(bearer(done.body.token)).expect(200);
      // The challenge is spent, and the same code cannot be replayed on a new challenge.
      await t.http.post('/api/auth/mfa').send({ challenge: first.body.challenge, code }).expect(401);
      const again = await t.http.post('/api/auth/login').send({ email: user.email, password: 'password-123' });
      await t.http.post('/api/auth/mfa').send({ challenge: again.body.challenge, code }).expect(401);

      // A recovery code works once.
      const [recovery] = enabled.body.recoveryCodes as string[];
      await t.http.post('/api/auth/mfa').send({ challenge: again.body.challenge, code: recovery }).expect(200);
      const third = await t.http.post('/api/auth/login').send({ email: user.email, password: 'password-123' });
      await t.http.post('/api/auth/mfa').send({ challenge: third.body.challenge, code: recovery }).expect(401);

      const audit = await t.auditAfter(since);
      expect(actions(audit)).toEqual(
        expect.arrayContaining(['auth.mfa_enabled', 'auth.login', 'auth.mfa_recovery_used', 'auth.login_failed']),
      );
      const serialized = JSON.stringify(audit);
      expect(serialized).not.toContain(setup.body.secret);
      expect(serialized).not.toContain(recovery);
    });

    it('removes two-factor only with the password or a code, audited', async () => {
      const user = await t.user('viewer');
      const { secret } = await enrol(t, user.token);
      await t.http.delete('/api/auth/mfa').set(bearer(user.token)).send({}).expect(400);
      const refusedSince = await t.lastSeq();
      await t.http.delete('/api/auth/mfa').set(bearer(user.token)).send({ password: 'wrong-password-1' }).expect(403);
      // A wrong proof counts against the sign-in limit and is audited as a refused attempt.
      expect((await t.auditAfter(refusedSince)).map((entry) => entry.context?.reason)).toEqual([
        'wrong_proof_for_mfa_removal',
      ]);
      const since = await t.lastSeq();
      await t.http
        .delete('/api/auth/mfa')
        .set(bearer(user.token))
        .send({ code: nextCode(secret) })
        .expect(204);
      expect(actions(await t.auditAfter(since))).toEqual(['auth.mfa_disabled']);
      const login = await t.http
        .post('/api/auth/login')
        .send({ email: user.email, password: 'password-123' })
        .expect(200);
      expect(login.body.token).toBeDefined();
    });

    it('throws away a challenge after five wrong codes', async () => {
      const user = await t.user('viewer');
      const { secret } = await enrol(t, user.token);
      const { challenge } = (await t.http.post('/api/auth/login').send({ email: user.email, password: 'password-123' }))
        .body as { challenge: string };
      for (let i = 0; i < 5; i += 1) await t.http.post('/api/auth/mfa').send({ challenge, code: '000000' }).expect(401);
      await t.http
        .post('/api/auth/mfa')
        .send({ challenge, code: nextCode(secret) })
        .expect(401);
    });
  });

  describe('REQUIRE_MFA_FOR_ADMINS', () => {
    const saved = { ...process.env };
    let strict: TestApp;
    beforeAll(async () => {
      process.env.REQUIRE_MFA_FOR_ADMINS = '1';
      strict = await startTestApp();
    });
    afterAll(async () => {
      process.env = saved;
      await strict.close();
    });

    it('lets an admin without two-factor only enrol, then gives the same session full rights', async () => {
      const login = await strict.http
        .post('/api/auth/login')
        .send({ email: 'admin@test.local', password: 'admin-password-1' });
      expect(login.body).toMatchObject({ mfaEnrollmentRequired: true, token: expect.any(String) });
      const token = login.body.token as string;
      const refused = await strict.http.get('/api/workflows').set(bearer(token)).expect(403);
      expect(refused.body.code).toBe('mfa_enrollment_required');
      await strict.http.get('/api/auth/me').set(bearer(token)).expect(200);
      await enrol(strict, token);
      await strict.http.get('/api/workflows').set(bearer(token)).expect(200);
      // Members are not asked to enrol.
      const member = await strict.user('member');
      await strict.http.get('/api/workflows').set(bearer(member.token)).expect(200);
    });
  });
});
