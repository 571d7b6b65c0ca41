import type { AuditEntry, Task } from '@tandem/shared';
import { bearer, type TestApp } from './support/test-app';

/**
 * Request helpers shared by the task specs; `token` is a member's token or an agent's key. Both are read lazily:
 * the app starts in `beforeAll`.
 */
export function taskRequests(app: () => TestApp, defaultToken: () => string) {
  const create = (workflowId: string, body: Record<string, unknown>, token = defaultToken()) =>
    app().http.post(`/api/workflows/${workflowId}/tasks`).set(bearer(token)).send(body);
  const created = async (workflowId: string, body: Record<string, unknown>) =>
    (await create(workflowId, body).expect(201)).body as Task;
  const move = (task: Pick<Task, 'id' | 'version'>, body: Record<string, unknown>, token = defaultToken()) =>
    app()
      .http.post(`/api/tasks/${task.id}/move`)
      .set(bearer(token))
      .send({ version: task.version, ...body });
  return { create, created, move };
}

export const actions = (entries: AuditEntry[]) => entries.map((entry) => entry.action);
