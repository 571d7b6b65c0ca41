import { TandemClient } from '@tandem/shared';
import { waitFor } from './support/nodes';
import { bearer, startTestApp, type TestApp } from './support/test-app';

describe('agents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('registers an agent with a key shown once, whose hash alone is stored', async () => {
    const since = await t.lastSeq();
    const response = await t.http
      .post('/api/agents')
      .set(bearer(t.adminToken))
      .send({ name: 'planner', description: 'plans', capabilities: ['plan', 'code'] })
      .expect(201);
    const { agent, apiKey } = response.body;
    expect(apiKey).toMatch(/^tdm_[\w-]{40,}$/);
    expect(agent).toMatchObject({ name: 'planner', capabilities: ['plan', 'code'], status: 'offline', revoked: false });
    expect(agent).not.toHaveProperty('apiKeyHash');
    const [row] = await t.sql<{ api_key_hash: string }>('select api_key_hash from agents where id = $1', [agent.id]);
    expect(row.api_key_hash).toHaveLength(64);
    expect(JSON.stringify(await t.sql('select * from agents'))).not.toContain(apiKey);

    const me = await t.http.get('/api/auth/me').set(bearer(apiKey)).expect(200);
    expect(me.body).toMatchObject({ type: 'agent', agent: { id: agent.id } });
    const fetched = await t.http.get(`/api/agents/${agent.id}`).set(bearer(t.adminToken)).expect(200);
    expect(fetched.body).not.toHaveProperty('apiKey');

    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => entry.action)).toEqual(['agent.registered']);
    expect(JSON.stringify(audit)).not.toContain(apiKey);
  });

  it('rotates a key (the old one stops working) and revokes it', async () => {
    const { agent, apiKey } = (
      await t.http.post('/api/agents').set(bearer(t.adminToken)).send({ name: 'r' }).expect(201)
    ).body;
    const since = await t.lastSeq();
    const rotated = await t.http.post(`/api/agents/${agent.id}/rotate-key`).set(bearer(t.adminToken)).expect(200);
    expect(rotated.body.apiKey).not.toBe(apiKey);
    await t.http.get('/api/auth/me').set(bearer(apiKey)).expect(401);
    await t.http.get('/api/auth/me').set(bearer(rotated.body.apiKey)).expect(200);

    const revoked = await t.http.delete(`/api/agents/${agent.id}`).set(bearer(t.adminToken)).expect(200);
    expect(revoked.body).toMatchObject({ revoked: true, status: 'offline' });
    await t.http.get('/api/auth/me').set(bearer(rotated.body.apiKey)).expect(401);
    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => entry.action)).toEqual(['agent.key_rotated', 'agent.revoked']);
  });

  it('updates agents with optimistic versions', async () => {
    const { agent } = (await t.http.post('/api/agents').set(bearer(t.adminToken)).send({ name: 'u' }).expect(201)).body;
    const updated = await t.http
      .patch(`/api/agents/${agent.id}`)
      .set(bearer(t.adminToken))
      .send({ description: 'now described', version: 1 })
      .expect(200);
    expect(updated.body).toMatchObject({ description: 'now described', version: 2 });
    const stale = await t.http
      .patch(`/api/agents/${agent.id}`)
      .set(bearer(t.adminToken))
      .send({ description: 'stale', version: 1 })
      .expect(409);
    expect(stale.body.current).toMatchObject({ description: 'now described', version: 2 });
  });

  it('lets viewers and agents read, and only admins manage', async () => {
    const viewer = await t.user('viewer');
    const { apiKey, agent } = (
      await t.http.post('/api/agents').set(bearer(t.adminToken)).send({ name: 'reader' }).expect(201)
    ).body;
    await t.http.get('/api/agents').set(bearer(viewer.token)).expect(200);
    await t.http.get('/api/agents').set(bearer(apiKey)).expect(200);
    const since = await t.lastSeq();
    await t.http.post('/api/agents').set(bearer(viewer.token)).send({ name: 'nope' }).expect(403);
    await t.http.post(`/api/agents/${agent.id}/rotate-key`).set(bearer(apiKey)).expect(403);
    await t.http.delete(`/api/agents/${agent.id}`).set(bearer(apiKey)).expect(403);
    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => [entry.action, entry.actor.type])).toEqual([
      ['access.denied', 'human'],
      ['access.denied', 'agent'],
      ['access.denied', 'agent'],
    ]);
  });

  it('rejects bad input', async () => {
    const response = await t.http
      .post('/api/agents')
      .set(bearer(t.adminToken))
      .send({ name: '', capabilities: 'all' })
      .expect(400);
    expect(response.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'capabilities',
      'name',
    ]);
    await t.http.get('/api/agents/123').set(bearer(t.adminToken)).expect(400);
  });

  it('events carry the agent as GET shows it (task counts, success rate, live status), and last seen is saved', async () => {
    const workflow = await t.workflow('agent stats');
    const agent = await t.agent([workflow.id], 'stats-bot');
    for (const status of ['completed', 'completed', 'failed', 'pending'] as const) {
      await t.http
        .post(`/api/workflows/${workflow.id}/tasks`)
        .set(bearer(t.adminToken))
        .send({ title: `t ${status}`, status, agentId: agent.id })
        .expect(201);
    }
    const client = new TandemClient({ baseUrl: t.url, token: agent.key });
    client.connect();
    const lastSeen = async () =>
      (await t.sql<{ last_seen: Date }>('select last_seen from agents where id = $1', [agent.id]))[0].last_seen;
    let before: Date;
    try {
      await client.setStatus('idle');
      const agentState = async () =>
        (await t.http.get(`/api/agents/${agent.id}`).set(bearer(t.adminToken)).expect(200)).body;
      let shown = await agentState();
      expect(shown).toMatchObject({ status: 'idle', totalTasks: 4, failedTasks: 1 });
      expect(shown.successRate).toBeCloseTo(2 / 3);
      expect(shown.lastSeen).not.toBeNull(); // written when it connected

      const since = await t.lastSeq();
      await t.http
        .patch(`/api/agents/${agent.id}`)
        .set(bearer(t.adminToken))
        .send({ description: 'counts stay' })
        .expect(200);
      before = await lastSeen(); // a new key ends its connection (or the disconnect below does): seen again then
      await t.http.post(`/api/agents/${agent.id}/rotate-key`).set(bearer(t.adminToken)).expect(200);
      await t.http.delete(`/api/agents/${agent.id}`).set(bearer(t.adminToken)).expect(200);
      const events = await t.auditAfter(since);
      expect(events.map((entry) => entry.action)).toEqual(['agent.updated', 'agent.key_rotated', 'agent.revoked']);
      shown = await agentState();
      for (const entry of events) {
        expect(entry.data).toMatchObject({ totalTasks: 4, failedTasks: 1, successRate: shown.successRate });
      }
      expect(events[0].data).toMatchObject({ status: 'idle', version: shown.version - 2 });
      expect(events[2].data).toEqual(shown); // revoked: offline, and exactly what GET answers
    } finally {
      client.disconnect();
    }
    await waitFor('last seen saved on disconnect', async () => (await lastSeen()).getTime() > before.getTime());
  });
});
