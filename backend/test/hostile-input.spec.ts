import type { AuditEntry } from '@tandem/shared';
import { bearer, startTestApp, type TestApp } from './support/test-app';

/** Values no field accepts: each must be refused with a 4xx and change nothing. */
const ALWAYS_BAD: Array<[string, unknown]> = [
  ['a NUL byte', 'a\u0000b'],
  ['a lone high surrogate', 'a\uD800b'],
  ['a lone low surrogate', '\uDC00'],
  ['a 1 MB string', 'x'.repeat(1_000_000)],
  ['a __proto__ key', JSON.parse('{"__proto__":{"polluted":true}}')],
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['2^64', 2 ** 64],
];
/** Values of the wrong type or shape: some are valid for some fields, none may answer 5xx. */
const CONFUSING: Array<[string, unknown]> = [
  ['true', true],
  ['false', false],
  ['[]', []],
  ['["x"]', ['x']],
  ['[{}]', [{}]],
  ['{}', {}],
  ['null', null],
  ['0', 0],
  ['-1', -1],
  ['0.5', 0.5],
  ["''", ''],
  ['not-a-uuid', 'not-a-uuid'],
  ['0000-01-01', '0000-01-01'],
  ['"12"', '12'],
];

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

interface Route {
  /** As the OpenAPI document names it, e.g. `PATCH /api/tasks/{id}`. */
  key: string;
  path: string;
  token: string;
  base: Record<string, unknown>;
  headers?: () => Record<string, string>;
}

describe('hostile input', () => {
  const saved = { ...process.env };
  let t: TestApp;

  beforeAll(async () => {
    process.env.RATE_LIMIT_HUMAN_PER_MINUTE = '0';
    process.env.RATE_LIMIT_AGENT_PER_MINUTE = '0';
    process.env.LOGIN_MAX_FAILURES_PER_ACCOUNT = '100000';
    process.env.LOGIN_MAX_FAILURES_PER_IP = '100000';
    // No webhook deliveries from this node: their background writes (a paused webhook) are not the requests'.
    process.env.WEBHOOK_POLL_MS = '0';
    t = await startTestApp();
  });

  afterAll(async () => {
    process.env = saved;
    await t?.close();
  });

  const expectStandard400 = (body: Record<string, unknown>) => {
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    expect(['validation_failed', 'bad_request']).toContain(body.code);
  };

  it('answers 400 with the standard body to the inputs that were 500s', async () => {
    const workflow = await t.workflow();
    const admin = bearer(t.adminToken);
    const sends: Array<[string, string, unknown]> = [
      ['POST', '/api/auth/login', { email: 'admin@test.local\u0000', password: 'x' }],
      ['POST', '/api/workflows', { name: 'nul\u0000name' }],
      ['POST', '/api/workflows', { name: 'lone \uD83D surrogate' }],
      ['POST', `/api/workflows/${workflow.id}/tasks`, { title: 'due', dueDate: '0000-01-01' }],
      ['POST', '/api/workflows', nested(5000)],
      ['POST', '/api/workflows', { name: 'deep', policy: nested(5000) }],
    ];
    for (const [method, path, body] of sends) {
      const before = await t.lastSeq();
      const response = await t.http[method === 'POST' ? 'post' : 'patch'](path)
        .set(admin)
        .send(body as object);
      expect(`${path} ${response.status}`).toBe(`${path} 400`);
      expectStandard400(response.body);
      expect(await t.lastSeq()).toBe(before);
    }
    for (const list of ['/api/workflows', '/api/agents', '/api/users', '/api/suggestions']) {
      for (const cursor of ['not-a-uuid', "' or 1=1 --", '\u0000']) {
        const response = await t.http.get(list).query({ cursor }).set(admin);
        expect(`${list} ${response.status}`).toBe(`${list} 400`);
        expectStandard400(response.body);
      }
    }
  });

  it('sends every hostile value into every field of every mutating route: no 5xx, refusals change nothing', async () => {
    const admin = t.adminToken;
    const workflow = await t.workflow();
    const spare = await t.workflow();
    const agent = await t.agent([workflow.id]);
    const spareAgent = await t.agent([spare.id]);
    const user = await t.user('member');
    const target = await t.user('viewer');
    const task = (
      await t.http.post(`/api/workflows/${workflow.id}/tasks`).set(bearer(admin)).send({ title: 'target' }).expect(201)
    ).body as { id: string };
    const comment = (
      await t.http.post(`/api/tasks/${task.id}/comments`).set(bearer(admin)).send({ body: 'hi' }).expect(201)
    ).body as { id: string };
    const suggestion = (
      await t.http
        .post('/api/suggestions')
        .set(bearer(agent.key))
        .set('Idempotency-Key', 'base-suggestion')
        .send({
          taskId: task.id,
          kind: 'task.update',
          action: 'rename',
          payload: { title: 'renamed' },
          confidence: 0.5,
        })
        .expect(201)
    ).body as { id: string };
    const webhook = await t.http
      .post('/api/webhooks')
      .set(bearer(admin))
      .send({ url: 'https://hooks.example.com/tandem', events: ['task.created'] });
    const webhookId =
      webhook.status === 201 ? (webhook.body as { id: string }).id : '00000000-0000-7000-8000-000000000000';
    let unique = 0;
    const idempotency = () => ({ 'Idempotency-Key': `hostile-${(unique += 1)}` });

    // The signed-in user's own routes first: a value some field accepts must not lock the later ones out.
    const routes: Route[] = [
      { key: 'POST /api/auth/login', path: '/api/auth/login', token: '', base: { email: user.email, password: 'x' } },
      { key: 'POST /api/auth/mfa', path: '/api/auth/mfa', token: '', base: { challenge: 'tmc_x', code: '123456' } },
      {
        key: 'POST /api/auth/password',
        path: '/api/auth/password',
        token: user.token,
        base: { current: 'password-123', next: 'a-fine-new-password' },
      },
      { key: 'POST /api/auth/mfa/enable', path: '/api/auth/mfa/enable', token: user.token, base: { code: '123456' } },
      { key: 'DELETE /api/auth/mfa', path: '/api/auth/mfa', token: user.token, base: { password: 'password-123' } },
      {
        key: 'POST /api/users',
        path: '/api/users',
        token: admin,
        base: { email: 'new@test.local', name: 'New', password: 'a-fine-new-password', role: 'viewer' },
      },
      { key: 'PATCH /api/users/{id}', path: `/api/users/${target.id}`, token: admin, base: { name: 'n', version: 1 } },
      {
        key: 'POST /api/agents',
        path: '/api/agents',
        token: admin,
        base: { name: 'a', description: 'd', capabilities: ['c'] },
      },
      { key: 'PATCH /api/agents/{id}', path: `/api/agents/${spareAgent.id}`, token: admin, base: { name: 'a' } },
      {
        key: 'POST /api/workflows',
        path: '/api/workflows',
        token: admin,
        base: { name: 'w', description: 'd', status: 'draft', policy: { requiredApprovals: 1 }, wipLimits: {} },
      },
      { key: 'PATCH /api/workflows/{id}', path: `/api/workflows/${spare.id}`, token: admin, base: { name: 'w' } },
      {
        key: 'POST /api/workflows/{id}/tasks',
        path: `/api/workflows/${workflow.id}/tasks`,
        token: admin,
        base: {
          title: 't',
          description: 'd',
          status: 'pending',
          priority: 'low',
          dueDate: '2030-01-01',
          agentId: null,
          assigneeUserId: null,
          labels: ['l'],
        },
      },
      { key: 'PATCH /api/tasks/{id}', path: `/api/tasks/${task.id}`, token: admin, base: { title: 't' } },
      {
        key: 'POST /api/tasks/{id}/move',
        path: `/api/tasks/${task.id}/move`,
        token: admin,
        base: { status: 'review', version: 999 },
      },
      {
        key: 'POST /api/tasks/{id}/claim',
        path: `/api/tasks/${task.id}/claim`,
        token: agent.key,
        base: { ttlSeconds: 60 },
      },
      {
        key: 'POST /api/tasks/{id}/comments',
        path: `/api/tasks/${task.id}/comments`,
        token: admin,
        base: { body: 'b' },
      },
      { key: 'PATCH /api/comments/{id}', path: `/api/comments/${comment.id}`, token: admin, base: { body: 'b' } },
      {
        key: 'POST /api/suggestions',
        path: '/api/suggestions',
        token: agent.key,
        base: {
          taskId: task.id,
          kind: 'task.update',
          action: 'a',
          reasoning: 'r',
          payload: { title: 'x' },
          confidence: 0.5,
        },
        headers: idempotency,
      },
      {
        key: 'POST /api/suggestions/{id}/revisions',
        path: `/api/suggestions/${suggestion.id}/revisions`,
        token: agent.key,
        base: { action: 'a', reasoning: 'r', payload: { title: 'y' }, confidence: 0.5 },
      },
      {
        key: 'POST /api/suggestions/{id}/decision',
        path: `/api/suggestions/${suggestion.id}/decision`,
        token: admin,
        base: { decision: 'request_changes', revision: 99, note: 'n' },
      },
      {
        key: 'POST /api/interrupts',
        path: '/api/interrupts',
        token: agent.key,
        base: { workflowId: workflow.id, taskId: task.id, description: 'd' },
        headers: idempotency,
      },
      {
        key: 'POST /api/webhooks',
        path: '/api/webhooks',
        token: admin,
        base: { url: 'https://hooks.example.com/x', events: ['task.created'], description: 'd' },
      },
      { key: 'PATCH /api/webhooks/{id}', path: `/api/webhooks/${webhookId}`, token: admin, base: { description: 'd' } },
      { key: 'POST /api/audit/retention', path: '/api/audit/retention', token: admin, base: { before: '2001-01-01' } },
      {
        key: 'PATCH /api/notifications/preferences',
        path: '/api/notifications/preferences',
        token: user.token,
        base: { email: false },
      },
      // Last: a value it accepts (an empty list) takes the spare agent off the spare workflow.
      {
        key: 'PUT /api/workflows/{id}/agents',
        path: `/api/workflows/${spare.id}/agents`,
        token: admin,
        base: { agentIds: [spareAgent.id] },
      },
    ];

    // Every mutating route of the OpenAPI document is either above or takes no body.
    const NO_BODY = [
      'POST /api/auth/logout',
      'POST /api/auth/mfa/setup',
      'POST /api/auth/sessions/revoke-others',
      'DELETE /api/auth/sessions/{id}',
      'POST /api/users/{id}/reset-password',
      'DELETE /api/users/{id}',
      'DELETE /api/agents/{id}',
      'POST /api/agents/{id}/rotate-key',
      'DELETE /api/workflows/{id}',
      'DELETE /api/tasks/{id}',
      'DELETE /api/tasks/{id}/claim',
      'DELETE /api/comments/{id}',
      'POST /api/suggestions/{id}/withdraw',
      'DELETE /api/webhooks/{id}',
      'POST /api/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      'POST /api/audit/checkpoints',
      'POST /api/notifications/read-all',
      'POST /api/notifications/{id}/read',
    ];
    const doc = (await t.http.get('/api/docs/json').expect(200)).body as { paths: Record<string, object> };
    const mutating = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const known = new Set([...routes.map((route) => route.key), ...NO_BODY]);
    expect(mutating.filter((key) => !known.has(key))).toEqual([]);

    const failures: string[] = [];
    const send = async (route: Route, body: unknown, label: string, mustRefuse: boolean) => {
      const [method, ...rest] = route.key.split(' ');
      void rest;
      const before = await t.lastSeq();
      let request = t.http[method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete'](route.path);
      if (route.token) request = request.set(bearer(route.token));
      if (route.headers) request = request.set(route.headers());
      const response = await request.send(body as object);
      const what = `${route.key} ${label}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
      if (response.status >= 500) failures.push(what);
      else if (mustRefuse && (response.status < 400 || response.status >= 500)) failures.push(`accepted ${what}`);
      if (response.status >= 400) {
        if (typeof response.body?.statusCode !== 'number' || typeof response.body?.code !== 'string') {
          failures.push(`non-standard body ${what}`);
        }
        const written = (await t.auditAfter(before)).filter((entry: AuditEntry) => entry.outcome !== 'denied');
        if (written.length) failures.push(`stored ${written.map((entry) => entry.action).join(',')} on ${what}`);
      }
    };

    for (const route of routes) {
      for (const field of Object.keys(route.base)) {
        for (const [label, value] of ALWAYS_BAD)
          await send(route, { ...route.base, [field]: value }, `${field}=${label}`, true);
        for (const [label, value] of CONFUSING)
          await send(route, { ...route.base, [field]: value }, `${field}=${label}`, false);
      }
      await send(route, { ...route.base, [Object.keys(route.base)[0]]: nested(5000) }, 'nested 5,000 deep', true);
      await send(route, [route.base], 'an array body', false);
    }
    expect(failures).toEqual([]);
    expect(Object.prototype).not.toHaveProperty('polluted');
  }, 600_000);
});
