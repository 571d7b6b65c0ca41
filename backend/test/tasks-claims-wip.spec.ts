import type { Workflow } from '@tandem/shared';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import { actions, taskRequests } from './tasks-helpers';

describe('task claims and WIP limits', () => {
  let t: TestApp;
  let member: { token: string; id: string };

  beforeAll(async () => {
    t = await startTestApp();
    member = await t.user('member');
  });
  afterAll(() => t.close());

  const { create, created, move } = taskRequests(
    () => t,
    () => member.token,
  );
  const claim = (taskId: string, key: string, ttlSeconds?: number) =>
    t.http
      .post(`/api/tasks/${taskId}/claim`)
      .set(bearer(key))
      .send(ttlSeconds === undefined ? {} : { ttlSeconds });

  describe('claims', () => {
    it('keeps other agents off a claimed task (409 naming the holder) while humans can still move it', async () => {
      const workflow = await t.workflow();
      const holder = await t.agent([workflow.id], 'holder-bot');
      const rival = await t.agent([workflow.id], 'rival-bot');
      const task = await created(workflow.id, { title: 'x' });
      const since = await t.lastSeq();

      const claimed = await claim(task.id, holder.key, 120).expect(200);
      expect(claimed.body).toMatchObject({ claimedBy: holder.id, version: 2 });
      const expires = Date.parse(claimed.body.claimExpiresAt);
      expect(expires - Date.now()).toBeGreaterThan(100_000);
      expect(expires - Date.now()).toBeLessThanOrEqual(120_000);

      const refused = await claim(task.id, rival.key).expect(409);
      expect(refused.body).toMatchObject({
        code: 'claimed',
        details: { claimedBy: holder.id, claimedByName: 'holder-bot' },
      });
      expect(refused.body.message).toContain('holder-bot');
      await move(claimed.body, { status: 'in_progress' }, rival.key).expect(409);
      await t.http
        .patch(`/api/tasks/${task.id}`)
        .set(bearer(rival.key))
        .send({ title: 'mine', version: 2 })
        .expect(409);
      await t.http.delete(`/api/tasks/${task.id}/claim`).set(bearer(rival.key)).expect(409);

      // The holder works on it; a human moves it too; the claim survives both.
      const moved = await move(claimed.body, { status: 'in_progress' }, holder.key).expect(200);
      const byHuman = await move(moved.body, { status: 'review' }).expect(200);
      expect(byHuman.body.claimedBy).toBe(holder.id);

      // Renewing is claiming again.
      const renewed = await claim(task.id, holder.key, 600).expect(200);
      expect(Date.parse(renewed.body.claimExpiresAt)).toBeGreaterThan(expires);

      const audit = await t.auditAfter(since);
      expect(actions(audit)).toEqual(['task.claimed', 'task.moved', 'task.moved', 'task.claimed']);
      expect(audit[0]).toMatchObject({
        actor: { type: 'agent', id: holder.id },
        changes: { claimedBy: [null, holder.id] },
        context: { ttlSeconds: 120, renewed: false },
      });
      expect(audit[3].context).toMatchObject({ ttlSeconds: 600, renewed: true });
    });

    it('is released by the holder, broken by a human (audited), and by completing the task', async () => {
      const workflow = await t.workflow();
      const agent = await t.agent([workflow.id]);
      const task = await created(workflow.id, { title: 'x' });
      const since = await t.lastSeq();

      await claim(task.id, agent.key).expect(200);
      const released = await t.http.delete(`/api/tasks/${task.id}/claim`).set(bearer(agent.key)).expect(200);
      expect(released.body).toMatchObject({ claimedBy: null, claimExpiresAt: null });
      // Nothing left to release: no-op.
      await t.http.delete(`/api/tasks/${task.id}/claim`).set(bearer(agent.key)).expect(200);

      await claim(task.id, agent.key).expect(200);
      const broken = await t.http.delete(`/api/tasks/${task.id}/claim`).set(bearer(member.token)).expect(200);
      expect(broken.body.claimedBy).toBeNull();

      const reclaimed = await claim(task.id, agent.key).expect(200);
      const done = await move(reclaimed.body, { status: 'completed' }, agent.key).expect(200);
      expect(done.body).toMatchObject({ status: 'completed', claimedBy: null, claimExpiresAt: null });

      const audit = await t.auditAfter(since);
      expect(actions(audit)).toEqual([
        'task.claimed',
        'task.released',
        'task.claimed',
        'task.released',
        'task.claimed',
        'task.moved',
      ]);
      expect(audit[1]).toMatchObject({ actor: { type: 'agent' }, context: { broken: false, holder: agent.id } });
      expect(audit[3]).toMatchObject({
        actor: { type: 'human', id: member.id },
        context: { broken: true, holder: agent.id },
        changes: { claimedBy: [agent.id, null] },
      });
      expect(audit[5].changes).toMatchObject({ status: ['pending', 'completed'], claimedBy: [agent.id, null] });
    });

    it('treats an expired lease as free, and refuses claims from humans, viewers and unassigned agents', async () => {
      const workflow = await t.workflow();
      const dead = await t.agent([workflow.id]);
      const alive = await t.agent([workflow.id]);
      const outsider = await t.agent([]);
      const viewer = await t.user('viewer');
      const task = await created(workflow.id, { title: 'x' });
      await claim(task.id, dead.key, 60).expect(200);
      await t.sql(`update tasks set claim_expires_at = now() - interval '1 second' where id = $1`, [task.id]);
      const read = await t.http.get(`/api/tasks/${task.id}`).set(bearer(member.token)).expect(200);
      expect(read.body.claimedBy).toBeNull();
      const since = await t.lastSeq();

      const taken = await claim(task.id, alive.key).expect(200);
      expect(taken.body.claimedBy).toBe(alive.id);
      await claim(task.id, member.token).expect(403);
      await claim(task.id, viewer.token).expect(403);
      await claim(task.id, outsider.key).expect(403);
      await claim(task.id, alive.key, 0).expect(400);
      await t.http.delete(`/api/tasks/${task.id}/claim`).set(bearer(viewer.token)).expect(403);
      await t.http.post(`/api/tasks/${task.id}/claim`).send({}).expect(401);

      const audit = await t.auditAfter(since);
      expect(actions(audit)).toEqual([
        'task.claimed',
        'access.denied',
        'access.denied',
        'access.denied',
        'access.denied',
      ]);
    });
  });

  describe('WIP limits', () => {
    const setLimits = async (workflow: { id: string }, wipLimits: Record<string, unknown>) => {
      const current = await t.http.get(`/api/workflows/${workflow.id}`).set(bearer(t.adminToken)).expect(200);
      return t.http
        .patch(`/api/workflows/${workflow.id}`)
        .set(bearer(t.adminToken))
        .send({ wipLimits, version: current.body.version });
    };

    it('are set per column by admins only, audited, and validated', async () => {
      const workflow = await t.workflow();
      expect(
        ((await t.http.get(`/api/workflows/${workflow.id}`).set(bearer(member.token))).body as Workflow).wipLimits,
      ).toEqual({});
      const since = await t.lastSeq();
      const set = await setLimits(workflow, {
        in_progress: { limit: 2, hard: true },
        review: { limit: 1, hard: false },
      });
      expect(set.status).toBe(200);
      expect(set.body.wipLimits).toEqual({ in_progress: { limit: 2, hard: true }, review: { limit: 1, hard: false } });
      const removed = await setLimits(workflow, { review: null });
      expect(removed.body.wipLimits).toEqual({ in_progress: { limit: 2, hard: true } });
      expect((await setLimits(workflow, { doing: { limit: 1, hard: true } })).status).toBe(400);
      expect((await setLimits(workflow, { review: { limit: -1, hard: true } })).status).toBe(400);
      expect((await setLimits(workflow, { review: { limit: 1 } })).status).toBe(400);
      await t.http
        .patch(`/api/workflows/${workflow.id}`)
        .set(bearer(member.token))
        .send({ wipLimits: {}, version: removed.body.version })
        .expect(403);

      const audit = await t.auditAfter(since);
      expect(actions(audit)).toEqual(['workflow.updated', 'workflow.updated', 'access.denied']);
      expect(audit[0].changes).toEqual({
        wipLimits: [{}, { in_progress: { limit: 2, hard: true }, review: { limit: 1, hard: false } }],
      });
    });

    it('refuses a create or move over a hard limit with 409 and the reason; a move inside the column passes', async () => {
      const workflow = await t.workflow();
      await setLimits(workflow, { in_progress: { limit: 2, hard: true } }).then((response) =>
        expect(response.status).toBe(200),
      );
      const first = await created(workflow.id, { title: 'a', status: 'in_progress' });
      await created(workflow.id, { title: 'b', status: 'in_progress' });
      const waiting = await created(workflow.id, { title: 'c' });
      const since = await t.lastSeq();

      const refusedCreate = await create(workflow.id, { title: 'd', status: 'in_progress' }).expect(409);
      expect(refusedCreate.body).toMatchObject({
        code: 'wip_limit',
        message: 'Column in_progress is at its WIP limit (2 of 2)',
        details: { status: 'in_progress', limit: 2, count: 2, hard: true },
      });
      await move(waiting, { status: 'in_progress' }).expect(409);
      // Reordering inside a full column is not adding to it.
      await move(first, { status: 'in_progress' }).expect(200);

      const audit = await t.auditAfter(since);
      expect(actions(audit)).toEqual(['task.moved']);
      const [count] = await t.sql<{ n: string }>(
        `select count(*) as n from tasks where workflow_id = $1 and status = 'in_progress'`,
        [workflow.id],
      );
      expect(Number(count.n)).toBe(2);
    });

    it('lets a create or move over a soft limit succeed with a warning header and audited warnings', async () => {
      const workflow = await t.workflow();
      await setLimits(workflow, { review: { limit: 1, hard: false } });
      await created(workflow.id, { title: 'a', status: 'review' });
      const waiting = await created(workflow.id, { title: 'b' });
      const since = await t.lastSeq();

      const over = await create(workflow.id, { title: 'c', status: 'review' }).expect(201);
      expect(over.headers['x-tandem-warning']).toContain('Column review is at its WIP limit (1 of 1)');
      const moved = await move(waiting, { status: 'review' }).expect(200);
      expect(moved.headers['x-tandem-warning']).toContain('(2 of 1)');
      const fine = await create(workflow.id, { title: 'd' }).expect(201);
      expect(fine.headers['x-tandem-warning']).toBeUndefined();

      const audit = await t.auditAfter(since);
      expect(actions(audit)).toEqual(['task.created', 'task.moved', 'task.created']);
      expect(audit[0].context.warnings).toEqual([expect.stringContaining('(1 of 1)')]);
      expect(audit[1].context.warnings).toEqual([expect.stringContaining('(2 of 1)')]);
      expect(audit[2].context.warnings).toBeUndefined();
    });

    it('holds a hard limit under simultaneous creates', async () => {
      const workflow = await t.workflow();
      await setLimits(workflow, { pending: { limit: 3, hard: true } });
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, index) => create(workflow.id, { title: `${index}` })),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    });
  });
});
