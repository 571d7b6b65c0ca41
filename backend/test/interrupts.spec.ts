import type { HumanInterrupt, Suggestion } from '@tandem/shared';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import { actions, decide, getSuggestion, hitlSetup, postSuggestion } from './suggestions-helpers';

const interrupt = (config: Partial<HumanInterrupt['config']> = {}): HumanInterrupt => ({
  action_request: { action: 'send_email', args: { to: 'ada@example.com', subject: 'Launch' } },
  config: { allow_ignore: true, allow_respond: true, allow_edit: true, allow_accept: true, ...config },
  description: '## Send the launch email?\n\nTo **ada@example.com**.',
});

describe('LangGraph interrupts and questions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  function postInterrupt(agentKey: string, body: object) {
    return t.http.post('/api/interrupts').set(bearer(agentKey)).send(body);
  }

  function state(agentKey: string, id: string, wait = 0) {
    return t.http.get(`/api/interrupts/${id}`).query({ wait }).set(bearer(agentKey)).expect(200);
  }

  it('turns a HumanInterrupt into an interrupt suggestion and answers accept, edit, response and ignore', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const post = async () => {
      const response = await postInterrupt(agent.key, { ...interrupt(), workflowId }).expect(201);
      const body = response.body as { id: string; suggestionId: string };
      expect(body.id).toEqual(body.suggestionId);
      return body;
    };

    const accepted = await post();
    const suggestion = await getSuggestion(t, accepted.suggestionId);
    expect(suggestion).toMatchObject({ kind: 'interrupt', status: 'pending', payload: interrupt(), workflowId });
    expect((await state(agent.key, accepted.id)).body).toEqual({ status: 'pending' });
    await decide(t, approver.token, accepted.suggestionId, { decision: 'approve' }).expect(200);
    expect((await state(agent.key, accepted.id)).body).toEqual({
      status: 'decided',
      response: { type: 'accept', args: null },
    });

    const edited = await post();
    const args = { to: 'grace@example.com', subject: 'Launch' };
    await decide(t, approver.token, edited.suggestionId, { decision: 'approve', payload: { args } }).expect(200);
    expect((await state(agent.key, edited.id)).body).toEqual({
      status: 'decided',
      response: { type: 'edit', args: { action: 'send_email', args } },
    });

    const responded = await post();
    const since = await t.lastSeq();
    const answer = await decide(t, approver.token, responded.suggestionId, {
      decision: 'respond',
      response: 'Wait until Monday',
    }).expect(200);
    expect(answer.body).toMatchObject({ status: 'answered', response: 'Wait until Monday' });
    expect(actions(await t.auditAfter(since))).toEqual(['suggestion.answered']);
    expect((await state(agent.key, responded.id)).body).toEqual({
      status: 'decided',
      response: { type: 'response', args: 'Wait until Monday' },
    });

    const ignored = await post();
    await decide(t, approver.token, ignored.suggestionId, { decision: 'ignore' }).expect(200);
    expect((await state(agent.key, ignored.id)).body).toEqual({
      status: 'decided',
      response: { type: 'ignore', args: null },
    });
    expect((await getSuggestion(t, ignored.suggestionId)).status).toBe('ignored');
  });

  it('refuses a decision the config does not allow with 400 decision_not_allowed, changing nothing', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const body = {
      ...interrupt({ allow_edit: false, allow_respond: false, allow_ignore: false }),
      workflowId,
    };
    const { suggestionId } = (await postInterrupt(agent.key, body).expect(201)).body as { suggestionId: string };
    const since = await t.lastSeq();
    for (const decision of [
      { decision: 'approve', payload: { args: { to: 'eve@example.com' } } },
      { decision: 'respond', response: 'no' },
      { decision: 'ignore' },
      { decision: 'reject' },
    ]) {
      const refused = await decide(t, approver.token, suggestionId, decision).expect(400);
      expect(refused.body).toMatchObject({ statusCode: 400, code: 'decision_not_allowed' });
    }
    expect(await t.auditAfter(since)).toEqual([]);
    expect((await getSuggestion(t, suggestionId)).status).toBe('pending');
    // Accept is allowed.
    await decide(t, approver.token, suggestionId, { decision: 'approve', revision: 1 }).expect(200);
    // respond/ignore are not decisions for ordinary kinds.
    const custom = await postSuggestion(t, agent.key, {
      workflowId,
      kind: 'custom',
      action: 'Deploy',
      confidence: 0.5,
    }).expect(201);
    const refused = await decide(t, approver.token, (custom.body as Suggestion).id, {
      decision: 'respond',
      revision: 1,
      response: 'hi',
    }).expect(400);
    expect(refused.body).toMatchObject({ code: 'decision_not_allowed' });
  });

  it('takes an array of interrupts and answers an array of {id, suggestionId}; validates the body', async () => {
    const { workflowId, agent } = await hitlSetup(t);
    const many = await postInterrupt(agent.key, { workflowId, interrupts: [interrupt(), interrupt()] }).expect(201);
    expect(many.body).toHaveLength(2);
    const bare = await t.http
      .post('/api/interrupts')
      .set(bearer(agent.key))
      .send([
        { ...interrupt(), workflowId },
        { ...interrupt(), workflowId },
      ])
      .expect(201);
    expect(bare.body).toEqual([
      { id: expect.any(String), suggestionId: expect.any(String) },
      { id: expect.any(String), suggestionId: expect.any(String) },
    ]);
    const since = await t.lastSeq();
    const bad = await postInterrupt(agent.key, {
      workflowId,
      action_request: { action: 'x', args: {} },
      config: { allow_accept: 'yes' },
    }).expect(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed' });
    await postInterrupt(agent.key, { ...interrupt(), workflowId, extra: 1 }).expect(400);
    expect(await t.auditAfter(since)).toEqual([]);
    // Humans do not post interrupts.
    await postInterrupt(t.adminToken, { ...interrupt(), workflowId }).expect(403);
  });

  it('long-polls an interrupt until a human decides', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const { id } = (await postInterrupt(agent.key, { ...interrupt(), workflowId }).expect(201)).body as { id: string };
    const started = Date.now();
    expect((await state(agent.key, id, 1)).body).toEqual({ status: 'pending' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const waiting = state(agent.key, id, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await decide(t, approver.token, id, { decision: 'respond', response: 'ok' }).expect(200);
    expect((await waiting).body).toEqual({ status: 'decided', response: { type: 'response', args: 'ok' } });
  });

  it('question kind: an agent asks, a human answers in text, the long-poll returns the answer', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const asked = await t.http
      .post('/api/suggestions')
      .set(bearer(agent.key))
      .send({ kind: 'question', workflowId, payload: { question: 'Which region should I deploy to?' } })
      .expect(201);
    const question = asked.body as Suggestion;
    expect(question).toMatchObject({ kind: 'question', status: 'pending', action: 'Which region should I deploy to?' });
    const waiting = t.http.get(`/api/suggestions/${question.id}`).query({ wait: 20 }).set(bearer(agent.key));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await decide(t, approver.token, question.id, { decision: 'approve' }).expect(400);
    expect(refused.body).toMatchObject({ code: 'decision_not_allowed' });
    await decide(t, approver.token, question.id, { decision: 'respond' }).expect(400);
    await decide(t, approver.token, question.id, { decision: 'respond', response: 'eu-west-1' }).expect(200);
    const answered = (await waiting.expect(200)).body as Suggestion;
    expect(answered).toMatchObject({ status: 'answered', response: 'eu-west-1' });
    // A question still needs its payload.
    const bad = await t.http
      .post('/api/suggestions')
      .set(bearer(agent.key))
      .send({ kind: 'question', workflowId, payload: {} })
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed' });
    // Other kinds still need their summary, confidence and Idempotency-Key.
    await t.http
      .post('/api/suggestions')
      .set(bearer(agent.key))
      .set('Idempotency-Key', 'k1')
      .send({ kind: 'custom', workflowId })
      .expect(400);
  });

  it('replays the docs/integrations.md exchange over plain HTTP, as a LangGraph runner does', async () => {
    const { workflowId, agent, approver } = await hitlSetup(t);
    const headers = { Authorization: `Bearer ${agent.key}`, 'Content-Type': 'application/json' };
    // What the node passed to interrupt([request]), forwarded as is.
    const request = {
      action_request: { action: 'send_email', args: { to: 'ada@example.com', subject: 'We launched' } },
      config: { allow_ignore: true, allow_respond: true, allow_edit: true, allow_accept: true },
      description: '## Send the launch email?\n\nTo **ada@example.com**: We launched',
    };
    const created = await fetch(`${t.url}/api/interrupts`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ workflowId, interrupts: [request] }),
    });
    expect(created.status).toBe(201);
    const items = (await created.json()) as Array<{ id: string; suggestionId: string }>;
    expect(items).toHaveLength(1);
    // The human edits the arguments in Tandem while the runner long-polls.
    setTimeout(() => {
      // supertest sends on then().
      void decide(t, approver.token, items[0].suggestionId, {
        decision: 'approve',
        payload: { args: { to: 'ada@example.com', subject: 'We launched!' } },
      }).then(() => undefined);
    }, 500);
    const responses: unknown[] = [];
    for (const { id } of items) {
      for (;;) {
        const state = (await (await fetch(`${t.url}/api/interrupts/${id}?wait=30`, { headers })).json()) as {
          status: string;
          response?: unknown;
        };
        if (state.status !== 'pending') {
          responses.push(state.response);
          break;
        }
      }
    }
    // What the graph is resumed with: Command(resume=responses).
    expect(responses).toEqual([
      { type: 'edit', args: { action: 'send_email', args: { to: 'ada@example.com', subject: 'We launched!' } } },
    ]);
  });
});
