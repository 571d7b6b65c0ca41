import { MikroORM } from '@mikro-orm/postgresql';
import type { AuditEntry, Task, Webhook, WebhookDeliveryAttempt, WebhookWithSecret } from '@tandem/shared';
import { NO_REQUEST, SYSTEM } from '../src/common/caller';
import { AuditService } from '../src/core/audit.service';
import { startCluster, waitFor } from './support/nodes';
import { REDIS_URL } from './support/services';
import { bearer, createTestDatabase, startTestApp, type TestApp } from './support/test-app';
import { verifySignature, WebhookReceiver } from './support/webhook-receiver';
import { actions, createTask, hitlSetup, suggest } from './suggestions-helpers';

const ENV = {
  WEBHOOK_ALLOW_PRIVATE: '1',
  WEBHOOK_RETRY_BASE_MS: '200',
  WEBHOOK_MAX_FAILURES: '4',
  WEBHOOK_POLL_MS: '200',
};

function setEnv(values: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => setEnv(before);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function register(t: TestApp, body: object): Promise<WebhookWithSecret> {
  const response = await t.http.post('/api/webhooks').set(bearer(t.adminToken)).send(body);
  if (response.status !== 201)
    throw new Error(`POST /api/webhooks: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as WebhookWithSecret;
}

async function attempts(t: TestApp, id: string): Promise<WebhookDeliveryAttempt[]> {
  const response = await t.http.get(`/api/webhooks/${id}/deliveries`).set(bearer(t.adminToken)).expect(200);
  return (response.body as { items: WebhookDeliveryAttempt[] }).items;
}

describe('outgoing webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let restoreEnv: () => void;
  beforeAll(async () => {
    restoreEnv = setEnv(ENV);
    t = await startTestApp();
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    restoreEnv();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.respond = () => 200;
  });

  it('registers (secret shown once), lists, pauses, edits and deletes, every change audited; admins only', async () => {
    const workflow = await t.workflow();
    const since = await t.lastSeq();
    const created = await register(t, {
      url: receiver.url,
      events: ['suggestion.*', 'task.moved'],
      workflowId: workflow.id,
      description: 'ops channel',
    });
    expect(created).toMatchObject({
      url: receiver.url,
      events: ['suggestion.*', 'task.moved'],
      workflowId: workflow.id,
      format: 'json',
      status: 'active',
      active: true,
    });
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const fetched = (await t.http.get(`/api/webhooks/${created.id}`).set(bearer(t.adminToken)).expect(200))
      .body as Webhook;
    expect(fetched).not.toHaveProperty('secret');
    const list = await t.http.get('/api/webhooks').set(bearer(t.adminToken)).expect(200);
    expect((list.body as { items: Webhook[] }).items.map((hook) => hook.id)).toContain(created.id);
    expect(JSON.stringify(list.body)).not.toContain(created.secret);

    const paused = await t.http
      .patch(`/api/webhooks/${created.id}`)
      .set(bearer(t.adminToken))
      .send({ active: false })
      .expect(200);
    expect(paused.body).toMatchObject({ status: 'paused', active: false });
    await t.http
      .patch(`/api/webhooks/${created.id}`)
      .set(bearer(t.adminToken))
      .send({ status: 'active', events: ['*'] })
      .expect(200);
    await t.http.delete(`/api/webhooks/${created.id}`).set(bearer(t.adminToken)).expect(200);
    await t.http.get(`/api/webhooks/${created.id}`).set(bearer(t.adminToken)).expect(404);

    const audit = await t.auditAfter(since);
    expect(actions(audit.filter((entry) => entry.entityType === 'webhook'))).toEqual([
      'webhook.created',
      'webhook.updated',
      'webhook.updated',
      'webhook.deleted',
    ]);
    expect(JSON.stringify(audit)).not.toContain(created.secret);

    const approver = await t.user('approver');
    const refused = await t.http
      .post('/api/webhooks')
      .set(bearer(approver.token))
      .send({ url: receiver.url, events: ['*'] })
      .expect(403);
    expect(refused.body).toMatchObject({ code: 'forbidden' });
    const bad = await t.http
      .post('/api/webhooks')
      .set(bearer(t.adminToken))
      .send({ url: 'ftp://example.com', events: ['nope'] })
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed' });
  });

  it('delivers a signed envelope whose id is the audit seq, with a Tandem-Delivery id', async () => {
    const workflow = await t.workflow();
    const hook = await register(t, { url: receiver.url, events: ['task.*'], workflowId: workflow.id });
    const since = await t.lastSeq();
    const task = await createTask(t, workflow.id, 'Signed delivery');
    const [created] = (await t.auditAfter(since)).filter((entry) => entry.action === 'task.created');
    const [request] = await waitFor('the delivery', () =>
      receiver.ofType('task.created').length ? receiver.received : null,
    );
    expect(verifySignature(hook.secret, request)).toBe(true);
    expect(verifySignature('whsec_wrong', request)).toBe(false);
    const t0 = Number(/t=(\d+)/.exec(String(request.headers['tandem-signature']))![1]);
    expect(Math.abs(t0 - Date.now() / 1000)).toBeLessThan(30);
    expect(request.headers['tandem-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      id: String(created.seq),
      type: 'task.created',
      at: created.at,
      workflowId: workflow.id,
      actor: created.actor,
      data: expect.objectContaining({ id: task.id, title: 'Signed delivery' }) as unknown,
    });
    const [attempt] = await waitFor('the attempt record', async () => {
      const list = await attempts(t, hook.id);
      return list.length ? list : null;
    });
    expect(attempt).toMatchObject({
      deliveryId: request.headers['tandem-delivery'],
      eventId: String(created.seq),
      attempt: 1,
      status: 200,
    });
    expect(attempt.durationMs).toEqual(expect.any(Number));
    expect(attempt).not.toHaveProperty('error');
    // Events of other workflows, and ones the patterns do not name, are not sent.
    const other = await t.workflow();
    await createTask(t, other.id);
    await t.http.patch(`/api/workflows/${workflow.id}`).set(bearer(t.adminToken)).send({ description: 'x' });
    await sleep(600);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries after 500 twice with backoff, one delivery id throughout; the log keeps each attempt', async () => {
    const workflow = await t.workflow();
    const hook = await register(t, { url: receiver.url, events: ['task.created'], workflowId: workflow.id });
    receiver.respond = (_, index) => (index < 2 ? 500 : 204);
    await createTask(t, workflow.id);
    await waitFor('three attempts', () => receiver.received.length >= 3);
    const ids = receiver.received.map((request) => request.headers['tandem-delivery']);
    expect(new Set(ids).size).toBe(1);
    expect(new Set(receiver.received.map((request) => request.raw)).size).toBe(1);
    const [first, second, third] = receiver.received.map((request) => request.at);
    expect(second - first).toBeGreaterThanOrEqual(190);
    expect(third - second).toBeGreaterThanOrEqual(380);
    expect(third - first).toBeLessThan(5000);
    const log = await waitFor('three attempts logged', async () => {
      const list = await attempts(t, hook.id);
      return list.length === 3 ? list : null;
    });
    expect(log.map((entry) => [entry.attempt, entry.status])).toEqual([
      [3, 204],
      [2, 500],
      [1, 500],
    ]);
    expect(log[1]).toMatchObject({ deliveryId: ids[0], error: 'HTTP 500' });
    await sleep(700);
    expect(receiver.received).toHaveLength(3);
    const current = (await t.http.get(`/api/webhooks/${hook.id}`).set(bearer(t.adminToken)).expect(200))
      .body as Webhook;
    expect(current).toMatchObject({ status: 'active', consecutiveFailures: 0 });
  });

  it('pauses the webhook after WEBHOOK_MAX_FAILURES failures in a row (audited), and resumes on request', async () => {
    const workflow = await t.workflow();
    const hook = await register(t, { url: receiver.url, events: ['task.created'], workflowId: workflow.id });
    receiver.respond = () => 503;
    const since = await t.lastSeq();
    await createTask(t, workflow.id);
    const paused = await waitFor('the pause', async () => {
      const current = (await t.http.get(`/api/webhooks/${hook.id}`).set(bearer(t.adminToken))).body as Webhook;
      return current.status === 'paused' ? current : null;
    });
    expect(paused).toMatchObject({ active: false, consecutiveFailures: 4 });
    expect(receiver.received).toHaveLength(4);
    const entry = (await t.auditAfter(since)).find((candidate) => candidate.action === 'webhook.paused');
    expect(entry).toMatchObject({ actor: { type: 'system' }, entityId: hook.id, onBehalfOf: 'webhooks' });
    await sleep(800);
    expect(receiver.received).toHaveLength(4);
    receiver.respond = () => 200;
    await t.http.patch(`/api/webhooks/${hook.id}`).set(bearer(t.adminToken)).send({ active: true }).expect(200);
    await waitFor('the delivery after resuming', () => receiver.received.length === 5);
  });

  it('gives up on a delivery after the retry window and pauses the webhook (audited)', async () => {
    const workflow = await t.workflow();
    const hook = await register(t, { url: receiver.url, events: ['task.created'], workflowId: workflow.id });
    receiver.respond = () => 500;
    await createTask(t, workflow.id);
    await waitFor('the first attempt', () => receiver.received.length >= 1);
    // The event is now a day old: the next failure is past WEBHOOK_RETRY_MAX_HOURS (24 h).
    await t.sql(`update webhook_deliveries set created_at = now() - interval '25 hours' where webhook_id = $1`, [
      hook.id,
    ]);
    await waitFor('the pause', async () => {
      const [row] = await t.sql<{ status: string; paused_reason: string }>(
        'select status, paused_reason from webhooks where id = $1',
        [hook.id],
      );
      return row.status === 'paused' ? row : null;
    });
    const [delivery] = await t.sql<{ state: string }>('select state from webhook_deliveries where webhook_id = $1', [
      hook.id,
    ]);
    expect(delivery.state).toBe('failed');
    const paused = (await t.auditAfter(0)).filter(
      (entry) => entry.action === 'webhook.paused' && entry.entityId === hook.id,
    );
    expect(paused).toHaveLength(1);
    expect(String(paused[0].context.reason)).toContain('failed for 24 h');
  });

  it('queues nothing for a change that rolls back', async () => {
    const workflow = await t.workflow();
    const hook = await register(t, { url: receiver.url, events: ['*'], workflowId: workflow.id });
    const orm = t.app.get(MikroORM);
    const audit = t.app.get(AuditService);
    await expect(
      orm.em.fork().transactional(async (em) => {
        await audit.append(em, SYSTEM, NO_REQUEST, [
          { action: 'workflow.updated', entityType: 'workflow', entityId: workflow.id, workflowId: workflow.id },
        ]);
        const [queued] = await em.execute<Array<{ count: string }>>(
          'select count(*) from webhook_deliveries where webhook_id = ?',
          [hook.id],
        );
        // Queued inside the transaction...
        expect(Number(queued.count)).toBe(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // ...and gone with it.
    const [row] = await t.sql<{ count: string }>('select count(*) from webhook_deliveries where webhook_id = $1', [
      hook.id,
    ]);
    expect(Number(row.count)).toBe(0);
    await sleep(600);
    expect(receiver.received).toHaveLength(0);
    await t.http.delete(`/api/webhooks/${hook.id}`).set(bearer(t.adminToken)).expect(200);
  });

  it('redelivers a delivery with the same Tandem-Delivery id', async () => {
    const workflow = await t.workflow();
    const hook = await register(t, { url: receiver.url, events: ['task.created'], workflowId: workflow.id });
    await createTask(t, workflow.id);
    await waitFor('the delivery', () => receiver.received.length === 1);
    const [first] = await waitFor('the log', async () => {
      const list = await attempts(t, hook.id);
      return list.length ? list : null;
    });
    const since = await t.lastSeq();
    await t.http
      .post(`/api/webhooks/${hook.id}/deliveries/${first.deliveryId}/redeliver`)
      .set(bearer(t.adminToken))
      .expect(202);
    await waitFor('the redelivery', () => receiver.received.length === 2);
    expect(receiver.received[1].headers['tandem-delivery']).toBe(first.deliveryId);
    expect(receiver.received[1].body.id).toBe(receiver.received[0].body.id);
    const log = await waitFor('two attempts', async () => {
      const list = await attempts(t, hook.id);
      return list.length === 2 ? list : null;
    });
    expect(log.map((entry) => entry.attempt)).toEqual([2, 1]);
    expect(actions(await t.auditAfter(since))).toContain('webhook.redelivered');
    await t.http
      .post(`/api/webhooks/${hook.id}/deliveries/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}/redeliver`)
      .set(bearer(t.adminToken))
      .expect(404);
  });

  it('format slack posts {text, blocks} with the suggestion summary and a link to decide', async () => {
    const { workflowId, agent } = await hitlSetup(t);
    await register(t, { url: receiver.url, events: ['suggestion.created'], workflowId, format: 'slack' });
    const suggestion = await suggest(t, agent.key, {
      workflowId,
      kind: 'custom',
      action: 'Deploy v2 to production',
      reasoning: 'All checks green',
    });
    const [request] = await waitFor('the Slack message', () => (receiver.received.length ? receiver.received : null));
    const body = request.body as { text: string; blocks: Array<Record<string, unknown>> };
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toContain('Deploy v2 to production');
    expect(body.text).toContain(`/approvals?suggestion=${suggestion.id}`);
    expect(JSON.stringify(body.blocks)).toContain(`/approvals?suggestion=${suggestion.id}`);
  });
});

describe('webhooks: private addresses', () => {
  it('refuses loopback and private targets with 400 private_address unless WEBHOOK_ALLOW_PRIVATE=1', async () => {
    const restore = setEnv({ WEBHOOK_ALLOW_PRIVATE: undefined });
    const t = await startTestApp();
    try {
      const since = await t.lastSeq();
      for (const url of [
        'http://127.0.0.1:9/hook',
        'http://localhost/hook',
        'http://10.1.2.3/hook',
        'http://192.168.0.10/hook',
        'http://[::1]/hook',
        'http://169.254.169.254/latest',
      ]) {
        const refused = await t.http
          .post('/api/webhooks')
          .set(bearer(t.adminToken))
          .send({ url, events: ['*'] });
        expect({ url, status: refused.status, code: (refused.body as { code: string }).code }).toEqual({
          url,
          status: 400,
          code: 'private_address',
        });
      }
      expect(await t.auditAfter(since)).toEqual([]);
      await t.http
        .post('/api/webhooks')
        .set(bearer(t.adminToken))
        .send({ url: 'https://93.184.215.14/hook', events: ['*'] })
        .expect(201);
    } finally {
      await t.close();
      restore();
    }
  });
});

describe('webhooks across nodes and restarts', () => {
  let restoreEnv: () => void;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    restoreEnv = setEnv(ENV);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    restoreEnv();
  });

  it('sends each event once across two nodes', async () => {
    const cluster = await startCluster(REDIS_URL);
    try {
      const { a, b } = cluster;
      const workflow = await a.workflow();
      await register(a, { url: receiver.url, events: ['task.created'], workflowId: workflow.id });
      const tasks: Task[] = [];
      for (let index = 0; index < 12; index += 1)
        tasks.push(await createTask(index % 2 ? a : b, workflow.id, `t${index}`));
      await waitFor('12 deliveries', () => receiver.received.length >= 12, 20_000);
      await sleep(1000);
      const ids = receiver.received.map((request) => request.body.id);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      expect(new Set(receiver.received.map((request) => (request.body.data as Task).id))).toEqual(
        new Set(tasks.map((task) => task.id)),
      );
    } finally {
      await cluster.close();
    }
  });

  it('loses nothing across a restart: what one app queued, the next one sends', async () => {
    receiver.received.length = 0;
    const database = await createTestDatabase();
    // The first app queues but never sends (WEBHOOK_POLL_MS=0), then stops.
    const restorePoll = setEnv({ WEBHOOK_POLL_MS: '0' });
    const first = await startTestApp({ database });
    restorePoll();
    const workflow = await first.workflow();
    await register(first, { url: receiver.url, events: ['task.created'], workflowId: workflow.id });
    for (let index = 0; index < 5; index += 1) await createTask(first, workflow.id, `before restart ${index}`);
    const since = await first.lastSeq();
    await first.close();
    await sleep(500);
    expect(receiver.received).toHaveLength(0);

    const second = await startTestApp({ database });
    try {
      await waitFor('5 deliveries after the restart', () => receiver.received.length === 5, 15_000);
      const entries: AuditEntry[] = await second.auditAfter(0);
      const created = entries.filter((entry) => entry.action === 'task.created' && entry.seq <= since);
      expect(new Set(receiver.received.map((request) => request.body.id))).toEqual(
        new Set(created.map((entry) => String(entry.seq))),
      );
    } finally {
      await second.close();
    }
  });
});
