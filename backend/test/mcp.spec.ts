import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Comment, Suggestion, Task } from '@tandem/shared';
import { waitFor } from './support/nodes';
import { bearer, startTestApp, type TestApp } from './support/test-app';
import { createTask, decide, hitlSetup } from './suggestions-helpers';

/** What `npx tandem-mcp` runs (built by `npm run build`). */
const BIN = resolve(process.cwd(), '../mcp/bin/tandem-mcp.cjs');

type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

describe('tandem-mcp: the MCP server over stdio, end to end', () => {
  let t: TestApp;
  let client: Client;
  let setup: Awaited<ReturnType<typeof hitlSetup>>;

  beforeAll(async () => {
    t = await startTestApp();
    setup = await hitlSetup(t);
    client = new Client({ name: 'tandem-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN],
        env: { PATH: process.env.PATH ?? '', TANDEM_URL: t.url, TANDEM_API_KEY: setup.agent.key },
        stderr: 'inherit',
      }),
    );
  });
  afterAll(async () => {
    await client.close();
    await t.close();
  });

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })) as ToolResult;

  /** The suggestions this agent has open, as a human sees them in the queue. */
  async function pendingOf(kind: string): Promise<Suggestion> {
    return waitFor(`a pending ${kind}`, async () => {
      const page = await t.http
        .get('/api/suggestions')
        .query({ status: 'pending', workflowId: setup.workflowId })
        .set(bearer(t.adminToken))
        .expect(200);
      return (page.body as { items: Suggestion[] }).items.find((item) => item.kind === kind) ?? null;
    });
  }

  it('lists the six tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      ['ask_human', 'claim_task', 'comment', 'list_my_tasks', 'move_task', 'request_approval'].sort(),
    );
  });

  it('request_approval waits for the human and answers the decision by name, then as JSON', async () => {
    const approval = call('request_approval', {
      summary: 'Email the launch note to customers',
      reasoning: 'Draft reviewed',
      payload: { audience: 'all' },
      confidence: 0.8,
    });
    const pending = await pendingOf('custom');
    expect(pending).toMatchObject({ action: 'Email the launch note to customers', agentId: setup.agent.id });
    await decide(t, setup.approver.token, pending.id, {
      decision: 'approve',
      revision: pending.revision,
      payload: { audience: 'beta' },
    }).expect(200);
    const result = await approval;
    expect(result.isError).toBeFalsy();
    const [first, ...rest] = result.content[0].text.split('\n');
    expect(first).toBe('approved');
    expect(JSON.parse(rest.join('\n'))).toMatchObject({
      decision: 'approved',
      suggestionId: pending.id,
      payload: { audience: 'beta' },
      edited: true,
    });

    const rejected = call('request_approval', { summary: 'Drop the table', workflowId: setup.workflowId });
    const second = await pendingOf('custom');
    await decide(t, setup.approver.token, second.id, { decision: 'reject', revision: 1, note: 'No' }).expect(200);
    const answer = (await rejected).content[0].text;
    expect(answer.split('\n')[0]).toBe('rejected');
    expect(JSON.parse(answer.slice(answer.indexOf('\n') + 1))).toMatchObject({ note: 'No' });

    const sentBack = call('request_approval', { summary: 'Ship it' });
    const third = await pendingOf('custom');
    await decide(t, setup.approver.token, third.id, { decision: 'request_changes', revision: 1, note: 'Add tests' });
    expect((await sentBack).content[0].text.split('\n')[0]).toBe('changes_requested');

    const expired = await call('request_approval', { summary: 'Nobody will answer', timeoutSeconds: 1 });
    expect(expired.content[0].text.split('\n')[0]).toBe('expired');
  });

  it('ask_human answers with the human text; the task tools act as the agent', async () => {
    const asked = call('ask_human', { question: 'Which region?' });
    const question = await pendingOf('question');
    await decide(t, setup.approver.token, question.id, { decision: 'respond', response: 'eu-west-1' }).expect(200);
    expect((await asked).content[0].text).toBe('eu-west-1');

    const task = await createTask(t, setup.workflowId, 'Write the changelog');
    const claimed = await call('claim_task', { taskId: task.id, ttlSeconds: 120 });
    expect(JSON.parse(claimed.content[0].text)).toMatchObject({ id: task.id, claimedBy: setup.agent.id });
    const mine = JSON.parse((await call('list_my_tasks', {})).content[0].text) as Task[];
    expect(mine.map((item) => item.id)).toEqual([task.id]);
    const moved = await call('move_task', { taskId: task.id, status: 'in_progress' });
    expect(JSON.parse(moved.content[0].text)).toMatchObject({ status: 'in_progress' });
    await call('comment', { taskId: task.id, body: 'Started from MCP' });
    const comments = await t.http.get(`/api/tasks/${task.id}/comments`).set(bearer(t.adminToken)).expect(200);
    expect((comments.body as { items: Comment[] }).items[0]).toMatchObject({
      body: 'Started from MCP',
      author: { type: 'agent', id: setup.agent.id },
    });
    // Refusals come back as tool errors, and are Tandem's own (the agent is not assigned there).
    const other = await t.workflow();
    const foreign = await createTask(t, other.id);
    const refused = await call('comment', { taskId: foreign.id, body: 'x' });
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toContain('403');
  });
});
