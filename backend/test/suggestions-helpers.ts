import { randomUUID } from 'node:crypto';
import type { Suggestion, Task, WorkflowPolicy } from '@tandem/shared';
import { bearer, type TestApp } from './support/test-app';

/** A running workflow with an assigned agent, an approver and an optional policy. */
export async function hitlSetup(t: TestApp, policy: Partial<WorkflowPolicy> = {}) {
  const workflow = await t.workflow();
  if (Object.keys(policy).length) {
    await t.http
      .patch(`/api/workflows/${workflow.id}`)
      .set(bearer(t.adminToken))
      .send({ policy, version: workflow.version })
      .expect(200);
  }
  const agent = await t.agent([workflow.id]);
  const approver = await t.user('approver');
  return { workflowId: workflow.id, agent, approver };
}

export async function createTask(t: TestApp, workflowId: string, title = 'Write the report'): Promise<Task> {
  const response = await t.http
    .post(`/api/workflows/${workflowId}/tasks`)
    .set(bearer(t.adminToken))
    .send({ title })
    .expect(201);
  return response.body as Task;
}

export function postSuggestion(t: TestApp, agentKey: string, body: object, key: string = randomUUID()) {
  return t.http.post('/api/suggestions').set(bearer(agentKey)).set('Idempotency-Key', key).send(body);
}

/** Posts and expects 201; answers the suggestion. */
export async function suggest(t: TestApp, agentKey: string, body: object): Promise<Suggestion> {
  const response = await postSuggestion(t, agentKey, { action: 'Do it', confidence: 0.5, ...body });
  if (response.status !== 201)
    throw new Error(`POST /api/suggestions: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Suggestion;
}

export function decide(t: TestApp, token: string, id: string, body: object) {
  return t.http.post(`/api/suggestions/${id}/decision`).set(bearer(token)).send(body);
}

export async function getSuggestion(t: TestApp, id: string): Promise<Suggestion> {
  return (await t.http.get(`/api/suggestions/${id}`).set(bearer(t.adminToken)).expect(200)).body as Suggestion;
}

export async function getTask(t: TestApp, id: string): Promise<Task> {
  return (await t.http.get(`/api/tasks/${id}`).set(bearer(t.adminToken)).expect(200)).body as Task;
}

export const actions = (entries: Array<{ action: string }>) => entries.map((entry) => entry.action);
