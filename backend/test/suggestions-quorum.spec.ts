import type { Suggestion } from '@tandem/shared';
import { startTestApp, type TestApp } from './support/test-app';
import { actions, createTask, decide, getSuggestion, getTask, hitlSetup, suggest } from './suggestions-helpers';

/**
 * A quorum approves one exact payload (issue 11 point 2): an approval that edits the payload makes a new
 * revision, the approvals of earlier revisions stop counting, and the editor's approval counts once.
 */
describe('suggestions: a quorum per revision', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('an edited approval does not complete a quorum whose other approval was for the original payload', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t, { requiredApprovals: 2 });
    const attacker = await t.user('approver');
    const third = await t.user('approver');
    const task = await createTask(t, workflowId, 'Original');
    const suggestion = await suggest(t, agent.key, {
      taskId: task.id,
      kind: 'task.update',
      payload: { title: 'benign' },
    });
    const since = await t.lastSeq();

    await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(200);
    const edited = await decide(t, attacker.token, suggestion.id, {
      decision: 'approve',
      revision: 1,
      payload: { title: 'EVIL', labels: ['pwned'] },
    }).expect(200);
    expect(edited.body).toMatchObject({
      status: 'pending',
      revision: 2,
      edited: true,
      payload: { title: 'EVIL', labels: ['pwned'] },
      approvals: [{ userId: attacker.id, revision: 2 }],
    });
    expect((edited.body as Suggestion).revisions.at(-1)).toMatchObject({
      revision: 2,
      payload: { title: 'EVIL', labels: ['pwned'] },
      editedBy: { userId: attacker.id },
    });
    expect(await getTask(t, task.id)).toMatchObject({ title: 'Original', labels: [] });

    // The first approver's approval was for revision 1; deciding on it now is stale (DESIGN 7).
    const stale = await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(409);
    expect((stale.body as { current: Suggestion }).current).toMatchObject({ revision: 2, status: 'pending' });
    // The editor's approval counts once.
    await decide(t, attacker.token, suggestion.id, { decision: 'approve', revision: 2 }).expect(409);
    expect(await getSuggestion(t, suggestion.id)).toMatchObject({ status: 'pending', revision: 2 });

    // A second approver who saw revision 2 completes it: the payload both approved is applied.
    const done = await decide(t, third.token, suggestion.id, { decision: 'approve', revision: 2 }).expect(200);
    expect(done.body).toMatchObject({ status: 'approved', revision: 2, decidedBy: third.id });
    expect((done.body as Suggestion).approvals.map((a) => [a.userId, a.revision])).toEqual([
      [attacker.id, 2],
      [third.id, 2],
    ]);
    expect(await getTask(t, task.id)).toMatchObject({ title: 'EVIL', labels: ['pwned'] });

    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual([
      'suggestion.approval_added',
      'suggestion.revised',
      'suggestion.approval_added',
      'suggestion.approved',
      'task.updated',
    ]);
    expect(audit.slice(0, 4).map((entry) => [entry.actor.id, entry.context?.revision])).toEqual([
      [approver.id, 1],
      [attacker.id, 2],
      [attacker.id, 2],
      [third.id, 2],
    ]);
    expect(audit[1].context).toMatchObject({
      editedFrom: 1,
      originalPayload: { title: 'benign' },
      editedPayload: { title: 'EVIL', labels: ['pwned'] },
    });
    expect(audit[1].changes).toMatchObject({ revision: [1, 2], approvals: [[{ userId: approver.id }], []] });
  });

  it('the first approver can re-approve the edited revision; the original approvers then form the quorum', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t, { requiredApprovals: 2 });
    const editor = await t.user('approver');
    const task = await createTask(t, workflowId, 'Original');
    const suggestion = await suggest(t, agent.key, { taskId: task.id, kind: 'task.update', payload: { title: 'A' } });

    await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 1 }).expect(200);
    await decide(t, editor.token, suggestion.id, { decision: 'approve', revision: 1, payload: { title: 'B' } }).expect(
      200,
    );
    const done = await decide(t, approver.token, suggestion.id, { decision: 'approve', revision: 2 }).expect(200);
    expect(done.body).toMatchObject({ status: 'approved', revision: 2, payload: { title: 'B' } });
    expect((await getTask(t, task.id)).title).toBe('B');
  });

  it('with requiredApprovals = 1 an edited approval still applies at once, as revision 2', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const task = await createTask(t, workflowId);
    const suggestion = await suggest(t, agent.key, { taskId: task.id, kind: 'task.update', payload: { title: 'A' } });
    const since = await t.lastSeq();
    const done = await decide(t, approver.token, suggestion.id, {
      decision: 'approve',
      revision: 1,
      payload: { title: 'B' },
    }).expect(200);
    expect(done.body).toMatchObject({ status: 'approved', revision: 2, edited: true, payload: { title: 'B' } });
    const audit = await t.auditAfter(since);
    expect(actions(audit)).toEqual(['suggestion.revised', 'suggestion.approved', 'task.updated']);
    expect(audit[1].context).toMatchObject({ revision: 2, editedFrom: 1 });
  });
});
