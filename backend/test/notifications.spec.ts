import type { Notification, Page, Suggestion, Task } from '@tandem/shared';
import { REDIS_URL } from './support/services';
import { bearer, type TestApp } from './support/test-app';
import { connected, rawSocket, startCluster, waitFor, type Cluster } from './support/nodes';
import { decide, suggest } from './suggestions-helpers';

interface Person {
  id: string;
  token: string;
  email: string;
}

describe('notifications', () => {
  let cluster: Cluster;
  let t: TestApp;
  let ada: Person;
  let bob: Person;
  let carol: Person;

  /** A user with a chosen email (the mention handle is its local part). */
  const person = async (email: string, name: string, role = 'member'): Promise<Person> => {
    const created = await t.http
      .post('/api/users')
      .set(bearer(t.adminToken))
      .send({ email, name, password: 'password-123', role })
      .expect(201);
    const login = await t.http.post('/api/auth/login').send({ email, password: 'password-123' }).expect(200);
    return { id: (created.body as { id: string }).id, token: (login.body as { token: string }).token, email };
  };
  const inbox = async (who: Person, query: Record<string, string> = {}) =>
    (await t.http.get('/api/notifications').query(query).set(bearer(who.token)).expect(200)).body as Page<Notification>;
  const unread = async (who: Person) =>
    ((await t.http.get('/api/notifications/unread-count').set(bearer(who.token)).expect(200)).body as { count: number })
      .count;
  const comment = (taskId: string, body: string, who: Person) =>
    t.http.post(`/api/tasks/${taskId}/comments`).set(bearer(who.token)).send({ body });
  const newTask = async (workflowId: string, who: Person, extra: Record<string, unknown> = {}) =>
    (
      await t.http
        .post(`/api/workflows/${workflowId}/tasks`)
        .set(bearer(who.token))
        .send({ title: 'Ship the launch post', ...extra })
        .expect(201)
    ).body as Task;

  beforeAll(async () => {
    cluster = await startCluster(REDIS_URL);
    t = cluster.a;
    ada = await person('ada@example.com', 'Ada Lovelace');
    bob = await person('bob@example.com', 'Bob Builder');
    carol = await person('carol@example.com', 'Carol Shaw');
  });
  afterAll(() => cluster.close());

  it('a mention notifies the mentioned user only, in the transaction of the comment', async () => {
    const workflow = await t.workflow();
    const task = await newTask(workflow.id, carol);
    const since = await t.lastSeq();
    const before = { ada: await unread(ada), bob: await unread(bob), carol: await unread(carol) };

    // `bob@example.com` inside the text is an address, not a mention; `@carol` is the author herself.
    await comment(task.id, '@Ada please review; cc bob@example.com and @carol.', carol).expect(201);

    expect(await unread(ada)).toBe(before.ada + 1);
    expect(await unread(bob)).toBe(before.bob);
    expect(await unread(carol)).toBe(before.carol);
    const [latest] = (await inbox(ada)).items;
    expect(latest).toMatchObject({
      type: 'mention',
      read: false,
      data: {
        taskId: task.id,
        taskTitle: 'Ship the launch post',
        workflowId: workflow.id,
        author: { type: 'human', id: carol.id, name: 'Carol Shaw' },
        excerpt: '@Ada please review; cc bob@example.com and @carol.',
      },
    });
    expect(Object.keys(latest).sort()).toEqual(['at', 'data', 'id', 'read', 'type']);
    // Notifications are not audit entries: the comment is the only change recorded.
    expect((await t.auditAfter(since)).map((entry) => entry.action)).toEqual(['comment.added']);

    // A comment that is refused (reply to a comment of another task) commits nothing, so notifies nobody.
    const count = await unread(ada);
    await t.http
      .post(`/api/tasks/${task.id}/comments`)
      .set(bearer(carol.token))
      .send({ body: '@ada again', parentId: '01890000-0000-7000-8000-000000000000' })
      .expect(400);
    expect(await unread(ada)).toBe(count);

    // An edit notifies only the handles it adds.
    const posted = (await comment(task.id, 'thoughts, @ada?', carol).expect(201)).body as { id: string };
    const counts = { ada: await unread(ada), bob: await unread(bob) };
    await t.http
      .patch(`/api/comments/${posted.id}`)
      .set(bearer(carol.token))
      .send({ body: 'thoughts, @ada and @bob?' })
      .expect(200);
    expect(await unread(ada)).toBe(counts.ada);
    expect(await unread(bob)).toBe(counts.bob + 1);
  });

  it('delivers a new notification live to every socket of that user, on another node, and to nobody else', async () => {
    const workflow = await t.workflow();
    const task = await newTask(workflow.id, carol);
    const adaOnB = rawSocket(cluster.b.url, { token: ada.token });
    const adaOnA = rawSocket(cluster.a.url, { token: ada.token });
    const bobOnB = rawSocket(cluster.b.url, { token: bob.token });
    const received: Record<string, Notification[]> = { adaOnB: [], adaOnA: [], bobOnB: [] };
    adaOnB.on('notification', (n: Notification) => received.adaOnB.push(n));
    adaOnA.on('notification', (n: Notification) => received.adaOnA.push(n));
    bobOnB.on('notification', (n: Notification) => received.bobOnB.push(n));
    try {
      await Promise.all([connected(adaOnB), connected(adaOnA), connected(bobOnB)]);
      // Nobody can join another user's room as a channel.
      const ack = (await bobOnB.emitWithAck('subscribe', { channel: `user:${ada.id}` })) as { ok: boolean };
      expect(ack.ok).toBe(false);

      await comment(task.id, 'over to you @ada', carol).expect(201);
      await waitFor('the live notification on both of Ada’s sockets', () =>
        received.adaOnB.length === 1 && received.adaOnA.length === 1 ? true : null,
      );
      const [stored] = (await inbox(ada)).items;
      expect(received.adaOnB[0]).toEqual(stored);
      expect(received.adaOnA[0]).toEqual(stored);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received.bobOnB).toEqual([]);
    } finally {
      adaOnB.close();
      adaOnA.close();
      bobOnB.close();
    }
  });

  it('counts unread, marks one read, marks all read, pages newest first; nobody touches another’s', async () => {
    const workflow = await t.workflow();
    const task = await newTask(workflow.id, carol);
    await t.http.post('/api/notifications/read-all').set(bearer(ada.token)).expect(200);
    expect(await unread(ada)).toBe(0);
    for (const n of [1, 2, 3]) await comment(task.id, `note ${n} for @ada`, carol).expect(201);
    expect(await unread(ada)).toBe(3);

    const page1 = await inbox(ada, { unread: 'true', limit: '2' });
    expect(page1.items.map((item) => (item.data as { excerpt: string }).excerpt)).toEqual([
      'note 3 for @ada',
      'note 2 for @ada',
    ]);
    expect(page1.nextCursor).toBe(page1.items[1].id);
    const page2 = await inbox(ada, { unread: 'true', limit: '2', cursor: page1.nextCursor! });
    expect(page2.items.map((item) => (item.data as { excerpt: string }).excerpt)).toEqual(['note 1 for @ada']);
    expect(page2.nextCursor).toBeNull();

    const target = page1.items[0];
    // Bob cannot mark (or learn of) Ada's notification.
    await t.http.post(`/api/notifications/${target.id}/read`).set(bearer(bob.token)).expect(404);
    expect(await unread(ada)).toBe(3);
    const read = await t.http.post(`/api/notifications/${target.id}/read`).set(bearer(ada.token)).expect(200);
    expect(read.body).toMatchObject({ id: target.id, read: true });
    expect(await unread(ada)).toBe(2);
    expect((await inbox(ada, { unread: 'true' })).items.map((item) => item.id)).not.toContain(target.id);
    expect((await inbox(ada)).items.find((item) => item.id === target.id)).toMatchObject({ read: true });

    await t.http.post('/api/notifications/read-all').set(bearer(ada.token)).expect(200);
    expect(await unread(ada)).toBe(0);
    expect((await inbox(ada, { unread: 'true' })).items).toEqual([]);

    // Bad input: a malformed id or cursor is a 400 with the standard body; agents have no inbox.
    const bad = await t.http.post('/api/notifications/not-a-uuid/read').set(bearer(ada.token)).expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: expect.any(String) });
    await t.http.get('/api/notifications').query({ cursor: 'x' }).set(bearer(ada.token)).expect(400);
    const agent = await t.agent([workflow.id]);
    await t.http.get('/api/notifications').set(bearer(agent.key)).expect(403);
    await t.http.get('/api/notifications/unread-count').expect(401);
  });

  it('routes suggestions to the reviewers a policy or the suggestion names, and lists them as assigned to me', async () => {
    const reviewer = await person('rita@example.com', 'Rita Reviewer', 'approver');
    const other = await person('otto@example.com', 'Otto Other', 'approver');
    const workflow = await t.workflow();
    await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(t.adminToken))
      .send({ policy: { reviewers: { users: [reviewer.id] } } })
      .expect(200);
    const agent = await t.agent([workflow.id]);
    const counts = { rita: await unread(reviewer), otto: await unread(other) };

    const byPolicy = await suggest(t, agent.key, { workflowId: workflow.id, kind: 'custom', action: 'Publish it' });
    expect(byPolicy.reviewers).toEqual({ users: [reviewer.id] });
    expect(await unread(reviewer)).toBe(counts.rita + 1);
    expect(await unread(other)).toBe(counts.otto);
    expect((await inbox(reviewer)).items[0]).toMatchObject({
      type: 'suggestion.routed',
      data: { suggestionId: byPolicy.id, workflowId: workflow.id, action: 'Publish it', status: 'pending' },
    });

    // The suggestion's own reviewers (here a role) replace the policy's.
    const byRole = await suggest(t, agent.key, {
      workflowId: workflow.id,
      kind: 'custom',
      action: 'Tweet it',
      reviewers: { roles: ['approver'] },
    });
    expect(await unread(reviewer)).toBe(counts.rita + 2);
    expect(await unread(other)).toBe(counts.otto + 1);

    const assigned = async (who: Person) =>
      (
        (
          await t.http
            .get('/api/suggestions')
            .query({ assignedTo: 'me', workflowId: workflow.id })
            .set(bearer(who.token))
            .expect(200)
        ).body as Page<Suggestion>
      ).items.map((item) => item.id);
    expect(await assigned(reviewer)).toEqual([byPolicy.id, byRole.id]);
    expect(await assigned(other)).toEqual([byRole.id]);
    expect(await assigned(ada)).toEqual([]);
    await t.http.get('/api/suggestions').query({ assignedTo: 'someone' }).set(bearer(ada.token)).expect(400);

    // Naming a user that does not exist is refused and posts nothing.
    const refused = await t.http
      .post('/api/suggestions')
      .set(bearer(agent.key))
      .set('Idempotency-Key', 'unknown-reviewer')
      .send({
        workflowId: workflow.id,
        kind: 'custom',
        action: 'x',
        confidence: 0.5,
        reviewers: { users: ['01890000-0000-7000-8000-000000000000'] },
      })
      .expect(400);
    expect(refused.body).toMatchObject({ code: 'validation_failed' });
    await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(t.adminToken))
      .send({ policy: { reviewers: { roles: ['boss'] } } })
      .expect(400);
  });

  it('an escalation notifies the escalation reviewers the policy names, else every admin', async () => {
    const secondAdmin = await person('grace@example.com', 'Grace Admin', 'admin');
    const escalator = await person('eve@example.com', 'Eve Escalation', 'approver');
    const adminPerson: Person = { id: '', token: t.adminToken, email: '' };
    const escalate = async (policy: Record<string, unknown>) => {
      const workflow = await t.workflow();
      await t.http
        .patch(`/api/workflows/${workflow.id}`)
        .set(bearer(t.adminToken))
        .send({ policy: { suggestionTtlSeconds: 10, ...policy } })
        .expect(200);
      const agent = await t.agent([workflow.id]);
      const suggestion = await suggest(t, agent.key, { workflowId: workflow.id, kind: 'custom', action: 'Risky' });
      // Past half of its TTL: the scheduler (on either node) escalates it within a tick.
      await t.sql(
        `update suggestions set created_at = now() - interval '6 seconds', expires_at = now() + interval '4 seconds'
          where id = $1`,
        [suggestion.id],
      );
      return suggestion;
    };
    const escalatedFor = async (who: Person, suggestionId: string) =>
      (await inbox(who)).items.filter(
        (item) =>
          item.type === 'suggestion.escalated' && (item.data as { suggestionId: string }).suggestionId === suggestionId,
      ).length;

    const named = await escalate({ escalationReviewers: { users: [escalator.id] } });
    await waitFor('the escalation notice', async () => (await escalatedFor(escalator, named.id)) === 1);
    expect(await escalatedFor(adminPerson, named.id)).toBe(0);
    expect(await escalatedFor(secondAdmin, named.id)).toBe(0);

    const unnamed = await escalate({});
    await waitFor(
      'the admins’ escalation notices',
      async () =>
        (await escalatedFor(adminPerson, unnamed.id)) === 1 && (await escalatedFor(secondAdmin, unnamed.id)) === 1,
    );
    expect(await escalatedFor(escalator, unnamed.id)).toBe(0);
    expect((await inbox(secondAdmin)).items[0]).toMatchObject({
      type: 'suggestion.escalated',
      data: { suggestionId: unnamed.id, action: 'Risky', actor: { type: 'system' } },
    });
  });

  it('a decision notifies the task’s creator and assignee, not the approver who made it', async () => {
    const approver = await person('amy@example.com', 'Amy Approver', 'approver');
    const workflow = await t.workflow();
    const agent = await t.agent([workflow.id]);
    const task = await newTask(workflow.id, carol, { assigneeUserId: bob.id });
    const counts = { carol: await unread(carol), bob: await unread(bob), amy: await unread(approver) };
    const suggestion = await suggest(t, agent.key, {
      taskId: task.id,
      kind: 'task.update',
      action: 'Add a label',
      payload: { labels: ['ready'] },
    });
    await decide(t, approver.token, suggestion.id, { decision: 'reject', revision: 1, note: 'not yet' }).expect(200);
    expect(await unread(carol)).toBe(counts.carol + 1);
    expect(await unread(bob)).toBe(counts.bob + 1);
    expect(await unread(approver)).toBe(counts.amy);
    expect((await inbox(bob)).items[0]).toMatchObject({
      type: 'suggestion.decided',
      data: { suggestionId: suggestion.id, taskId: task.id, status: 'rejected', decisionNote: 'not yet' },
    });
  });

  it('completes mentions by name and keeps the email preference per user', async () => {
    const found = await t.http
      .get('/api/notifications/mention-candidates')
      .query({ q: 'Ad' })
      .set(bearer(carol.token))
      .expect(200);
    expect((found.body as { items: unknown[] }).items[0]).toEqual({ id: ada.id, name: 'Ada Lovelace', handle: 'ada' });

    await t.http.get('/api/notifications/preferences').set(bearer(ada.token)).expect(200, { email: true });
    const since = await t.lastSeq();
    await t.http
      .patch('/api/notifications/preferences')
      .set(bearer(ada.token))
      .send({ email: false })
      .expect(200, { email: false });
    await t.http.get('/api/notifications/preferences').set(bearer(ada.token)).expect(200, { email: false });
    await t.http.get('/api/notifications/preferences').set(bearer(bob.token)).expect(200, { email: true });
    // Earlier tests' suggestions may expire meanwhile (the scheduler runs): look only at Ada's entries.
    const audit = (await t.auditAfter(since)).filter((entry) => entry.entityId === ada.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'user.preferences_updated',
      entityId: ada.id,
      changes: { emailNotifications: [true, false] },
    });
    await t.http.patch('/api/notifications/preferences').set(bearer(ada.token)).send({ email: 'no' }).expect(400);
    await t.http.patch('/api/notifications/preferences').set(bearer(ada.token)).send({ email: true }).expect(200);
  });
});
