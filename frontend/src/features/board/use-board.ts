'use client';

import { preload } from 'swr';
import type { Task, Workflow } from '@tandem/shared';
import { fetchAgents } from '@/lib/directory';
import { getClient } from '@/lib/client';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { sortBoard } from './board-order';

/** Every task of the board, all pages, in column and rank order. */
async function fetchBoard(workflowId: string): Promise<Task[]> {
  const tasks: Task[] = [];
  let cursor: string | undefined;
  do {
    const page = await getClient().listTasks(workflowId, { limit: 500, cursor });
    tasks.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return sortBoard(tasks);
}

export function useBoard(workflowId: string) {
  return useApi<Task[]>(workflowId ? swrKeys.board(workflowId) : null, () => fetchBoard(workflowId));
}

export function useWorkflow(workflowId: string) {
  return useApi<Workflow>(workflowId ? swrKeys.workflow(workflowId) : null, () => getClient().getWorkflow(workflowId));
}

/** The workflow id from the address bar: the page is exported once for a placeholder id (see next.config). */
export function workflowIdFromPath(): string {
  const match = /^\/workflows\/([^/?#]+)/.exec(window.location.pathname);
  return match ? decodeURIComponent(match[1]) : '';
}

/**
 * Starts the board's requests at once, in parallel with the session check the page shell waits for; the hooks
 * above pick the answers up from SWR. On a 5,000-task board the tasks answer is the longest wait of all.
 */
export function preloadBoard(workflowId: string): void {
  if (!workflowId) return;
  void preload(swrKeys.board(workflowId), () => fetchBoard(workflowId)).catch(() => undefined); // useBoard shows it
  void preload(swrKeys.workflow(workflowId), () => getClient().getWorkflow(workflowId)).catch(() => undefined);
  void preload(swrKeys.agents(), fetchAgents).catch(() => undefined);
}
