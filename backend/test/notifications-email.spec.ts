import { REDIS_URL } from './support/services';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import { startCluster, waitFor, type Cluster } from './support/nodes';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { suggest } from './suggestions-helpers';

const DIGEST_SECONDS = 2;

describe('notification email (a real SMTP server)', () => {
  let smtp: SmtpSink;
  let cluster: Cluster;
  let t: TestApp;
  const saved = { ...process.env };

  const person = async (email: string, name: string, role = 'member') => {
    const created = await t.http
      .post('/api/users')
      .set(bearer(t.adminToken))
      .send({ email, name, password: 'password-123', role })
      .expect(201);
    const login = await t.http.post('/api/auth/login').send({ email, password: 'password-123' }).expect(200);
    return { id: (created.body as { id: string }).id, token: (login.body as { token: string }).token, email };
  };
  const mailsTo = (address: string) => smtp.mails.filter((mail) => mail.to.includes(address));

  beforeAll(async () => {
    smtp = await startSmtpSink();
    process.env.SMTP_URL = smtp.url;
    process.env.SMTP_FROM = 'Tandem <tandem@example.com>';
    process.env.NOTIFY_DIGEST_SECONDS = String(DIGEST_SECONDS);
    // Two nodes, both mailing: every email must still go out exactly once.
    cluster = await startCluster(REDIS_URL);
    t = cluster.a;
  });
  afterAll(async () => {
    await cluster.close();
    await smtp.close();
    for (const key of ['SMTP_URL', 'SMTP_FROM', 'NOTIFY_DIGEST_SECONDS']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('mails a mention at once (over STARTTLS), once, to the mentioned user only', async () => {
    const ada = await person('ada@example.com', 'Ada Lovelace');
    const bob = await person('bob@example.com', 'Bob Builder');
    const workflow = await t.workflow();
    const task = (
      await t.http
        .post(`/api/workflows/${workflow.id}/tasks`)
        .set(bearer(bob.token))
        .send({ title: 'Launch post' })
        .expect(201)
    ).body as { id: string };
    const sent = Date.now();
    await t.http
      .post(`/api/tasks/${task.id}/comments`)
      .set(bearer(bob.token))
      .send({ body: '@ada can you check the numbers?' })
      .expect(201);

    const [mail] = await waitFor('the mention email', () => (mailsTo(ada.email).length ? mailsTo(ada.email) : null));
    // At once: well before a digest would have gone out.
    expect(mail.at - sent).toBeLessThan(DIGEST_SECONDS * 1000);
    expect(mail).toMatchObject({ from: 'tandem@example.com', to: [ada.email], secure: true });
    expect(mail.subject).toBe('Bob Builder mentioned you on "Launch post"');
    expect(mail.text).toContain('@ada can you check the numbers?');
    expect(mail.text).toContain(`/workflows/${workflow.id}?task=${task.id}`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(mailsTo(ada.email)).toHaveLength(1);
    expect(mailsTo(bob.email)).toHaveLength(0);
  });

  it('batches routed suggestions into one digest per user, and sends nothing to someone who turned email off', async () => {
    const rita = await person('rita@example.com', 'Rita Reviewer', 'approver');
    const quiet = await person('quiet@example.com', 'Quentin Quiet', 'approver');
    await t.http.patch('/api/notifications/preferences').set(bearer(quiet.token)).send({ email: false }).expect(200);
    const workflow = await t.workflow();
    await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(t.adminToken))
      .send({ policy: { reviewers: { users: [rita.id, quiet.id] } } })
      .expect(200);
    const agent = await t.agent([workflow.id]);
    const first = Date.now();
    await suggest(t, agent.key, { workflowId: workflow.id, kind: 'custom', action: 'Publish the post' });
    await suggest(t, agent.key, { workflowId: workflow.id, kind: 'custom', action: 'Tweet the link' });
    // Both are in the inbox at once; the email waits for the digest.
    const unread = await t.http.get('/api/notifications/unread-count').set(bearer(quiet.token)).expect(200);
    expect(unread.body).toEqual({ count: 2 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(mailsTo(rita.email)).toHaveLength(0);

    const [digest] = await waitFor('the digest', () => (mailsTo(rita.email).length ? mailsTo(rita.email) : null));
    expect(digest.at - first).toBeGreaterThanOrEqual(DIGEST_SECONDS * 1000 - 100);
    expect(digest.subject).toBe('Tandem: 2 suggestions for you to review');
    expect(digest.text).toContain('Publish the post');
    expect(digest.text).toContain('Tweet the link');
    await new Promise((resolve) => setTimeout(resolve, DIGEST_SECONDS * 1000 + 500));
    expect(mailsTo(rita.email)).toHaveLength(1);
    expect(mailsTo(quiet.email)).toHaveLength(0);
    const [{ pending }] = await t.sql<{ pending: string }>(
      `select count(*) as pending from notifications where emailed_at is null and email is not null`,
    );
    expect(Number(pending)).toBe(0);
  });

  it('sends over implicit TLS with smtps://', async () => {
    const tlsSink = await startSmtpSink({ secure: true });
    const previous = process.env.SMTP_URL;
    process.env.SMTP_URL = tlsSink.url;
    const single = await startTestApp();
    try {
      const created = await single.http
        .post('/api/users')
        .set(bearer(single.adminToken))
        .send({ email: 'tls@example.com', name: 'Tilly TLS', password: 'password-123', role: 'viewer' })
        .expect(201);
      expect(created.status).toBe(201);
      const workflow = await single.workflow();
      const task = (
        await single.http
          .post(`/api/workflows/${workflow.id}/tasks`)
          .set(bearer(single.adminToken))
          .send({ title: 'Secure' })
          .expect(201)
      ).body as { id: string };
      await single.http
        .post(`/api/tasks/${task.id}/comments`)
        .set(bearer(single.adminToken))
        .send({ body: 'hello @tls' })
        .expect(201);
      const [mail] = await waitFor('the smtps email', () => (tlsSink.mails.length ? tlsSink.mails : null));
      expect(mail).toMatchObject({ to: ['tls@example.com'], secure: true });
    } finally {
      await single.close();
      await tlsSink.close();
      process.env.SMTP_URL = previous;
    }
  });
});
