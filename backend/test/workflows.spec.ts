import { bearer, startTestApp, type TestApp } from './support/test-app';

describe('workflows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates, reads, updates and archives a workflow, each audited with its changes', async () => {
    const since = await t.lastSeq();
    const created = await t.http
      .post('/api/workflows')
      .set(bearer(t.adminToken))
      .send({ name: 'Release', description: 'ship it', policy: { requiredApprovals: 2 } })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Release',
      status: 'draft',
      progress: { total: 0, completed: 0, failed: 0, ratio: 0 },
      policy: { requiredApprovals: 2, autoApproveAbove: null },
      agentIds: [],
      version: 1,
    });
    const id = created.body.id as string;
    await t.http.get(`/api/workflows/${id}`).set(bearer(t.adminToken)).expect(200);

    const updated = await t.http
      .patch(`/api/workflows/${id}`)
      .set(bearer(t.adminToken))
      .send({ status: 'running', version: 1 })
      .expect(200);
    expect(updated.body).toMatchObject({ status: 'running', version: 2 });

    const archived = await t.http.delete(`/api/workflows/${id}`).set(bearer(t.adminToken)).expect(200);
    expect(archived.body.archivedAt).toBeTruthy();
    const list = await t.http.get('/api/workflows').set(bearer(t.adminToken)).expect(200);
    expect(list.body.items.map((workflow: { id: string }) => workflow.id)).not.toContain(id);
    const withArchived = await t.http.get('/api/workflows?includeArchived=true').set(bearer(t.adminToken)).expect(200);
    expect(withArchived.body.items.map((workflow: { id: string }) => workflow.id)).toContain(id);

    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => entry.action)).toEqual(['workflow.created', 'workflow.updated', 'workflow.archived']);
    expect(audit.every((entry) => entry.workflowId === id)).toBe(true);
    expect(audit[1].changes).toEqual({ status: ['draft', 'running'] });
    expect(audit[1].data).toMatchObject({ id, status: 'running', version: 2 });
  });

  it('pages with a cursor and filters by status', async () => {
    for (const status of ['draft', 'paused', 'paused']) {
      await t.http
        .post('/api/workflows')
        .set(bearer(t.adminToken))
        .send({ name: `p-${status}`, status })
        .expect(201);
    }
    const paused = await t.http.get('/api/workflows?status=paused').set(bearer(t.adminToken)).expect(200);
    expect(paused.body.items).toHaveLength(2);
    const first = await t.http.get('/api/workflows?limit=1').set(bearer(t.adminToken)).expect(200);
    expect(first.body.items).toHaveLength(1);
    const second = await t.http
      .get(`/api/workflows?limit=1&cursor=${first.body.nextCursor}`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(second.body.items[0].id > first.body.items[0].id).toBe(true);
    await t.http.get('/api/workflows?status=bogus').set(bearer(t.adminToken)).expect(400);
    await t.http.get('/api/workflows?limit=0').set(bearer(t.adminToken)).expect(400);
  });

  it('assigns agents, who then see only their workflows', async () => {
    const mine = await t.workflow('mine');
    const other = await t.workflow('other');
    const agent = await t.agent([mine.id]);
    const since = await t.lastSeq();
    const list = await t.http.get('/api/workflows').set(bearer(agent.key)).expect(200);
    expect(list.body.items.map((workflow: { id: string }) => workflow.id)).toEqual([mine.id]);
    await t.http.get(`/api/workflows/${mine.id}`).set(bearer(agent.key)).expect(200);
    await t.http.get(`/api/workflows/${other.id}`).set(bearer(agent.key)).expect(403);
    const audit = await t.auditAfter(since);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'access.denied', outcome: 'denied', entityId: other.id });
  });

  it('applies an update without a version to the current row (last writer wins), audited', async () => {
    const workflow = await t.workflow();
    const since = await t.lastSeq();
    const response = await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(t.adminToken))
      .send({ description: 'no version sent' })
      .expect(200);
    expect(response.body).toMatchObject({ description: 'no version sent', version: 2 });
    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => entry.action)).toEqual(['workflow.updated']);
  });

  it('refuses unknown agents and non-admin writers', async () => {
    const workflow = await t.workflow();
    await t.http
      .put(`/api/workflows/${workflow.id}/agents`)
      .set(bearer(t.adminToken))
      .send({ agentIds: ['01a2098e-fdb5-733e-a4d0-9a9aa7fa1b51'] })
      .expect(400);
    const member = await t.user('member');
    await t.http.post('/api/workflows').set(bearer(member.token)).send({ name: 'x' }).expect(403);
    await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(member.token))
      .send({ name: 'x', version: 1 })
      .expect(403);
    await t.http.get(`/api/workflows/${workflow.id}`).set(bearer(member.token)).expect(200);
  });

  it('rejects bad input, stale versions and oversize bodies without changing anything', async () => {
    const workflow = await t.workflow();
    const since = await t.lastSeq();
    await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(t.adminToken))
      .send({ name: 'bad version', version: '1' })
      .expect(400);
    await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(t.adminToken))
      .send({ policy: { requiredApprovals: 0, bogus: 1 }, version: 1 })
      .expect(400);
    await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(t.adminToken))
      .send({ name: 'renamed', version: 1 })
      .expect(200);
    const stale = await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(t.adminToken))
      .send({ name: 'again', version: 1 })
      .expect(409);
    expect(stale.body).toMatchObject({ code: 'version_conflict', current: { name: 'renamed', version: 2 } });
    const huge = await t.http
      .post('/api/workflows')
      .set(bearer(t.adminToken))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'big', description: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(huge.body).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    const malformed = await t.http
      .post('/api/workflows')
      .set(bearer(t.adminToken))
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    expect(malformed.body.code).toBe('bad_request');
    const audit = await t.auditAfter(since);
    expect(audit.map((entry) => entry.action)).toEqual(['workflow.updated']);
  });
});
