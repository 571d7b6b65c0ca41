'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { useSWRConfig } from 'swr';
import { workflowChannel, type Comment, type EventEnvelope, type Suggestion, type Task } from '@tandem/shared';
import { getClient } from '@/lib/client';
import { useLiveChannel } from '@/lib/live';
import { swrKeys } from '@/lib/swr-keys';
import { applyTaskEvent, upsertTask } from './board-order';

const MOVE_HIGHLIGHT_MS = 1600;

/**
 * Keeps the board's SWR cache in step with the `workflow:<id>` channel: tasks are upserted from the event's
 * data, comments and suggestions refresh the drawer's lists and their card's counts, and cards moved by someone else are flagged
 * for a moment so they animate into place.
 */
export function useBoardLive(workflowId: string, myId: string | undefined): Set<string> {
  const { mutate } = useSWRConfig();
  const [movedLive, setMovedLive] = useState<Set<string>>(() => new Set());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  const flag = useCallback((taskId: string) => {
    setMovedLive((current) => new Set(current).add(taskId));
    clearTimeout(timers.current.get(taskId));
    timers.current.set(
      taskId,
      setTimeout(() => {
        setMovedLive((current) => {
          const next = new Set(current);
          next.delete(taskId);
          return next;
        });
      }, MOVE_HIGHLIGHT_MS),
    );
  }, []);

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  const refreshTask = useCallback(
    async (taskId: string) => {
      const task = await getClient().getTask(taskId);
      await mutate(swrKeys.board(workflowId), (tasks: Task[] | undefined) => upsertTask(tasks, task), {
        revalidate: false,
      });
    },
    [mutate, workflowId],
  );

  const onEvent = useCallback(
    (event: EventEnvelope) => {
      const [entity] = event.type.split('.');
      if (entity === 'task') {
        const task = event.data as Task;
        void mutate(swrKeys.board(workflowId), (tasks: Task[] | undefined) => applyTaskEvent(tasks, event), {
          revalidate: false,
        });
        void mutate(swrKeys.task(task.id), task, { revalidate: false });
        if (event.type === 'task.moved' && event.actor.id !== myId) flag(task.id);
      } else if (entity === 'comment') {
        const comment = event.data as Comment;
        void mutate(swrKeys.comments(comment.taskId));
        refreshTask(comment.taskId).catch(() => undefined); // the card's comment count
      } else if (entity === 'suggestion') {
        const suggestion = event.data as Suggestion;
        if (suggestion.taskId) {
          void mutate(swrKeys.taskSuggestions(suggestion.taskId));
          refreshTask(suggestion.taskId).catch(() => undefined); // the task may be gone; the board stays as is
        }
      } else if (entity === 'workflow') {
        void mutate(swrKeys.workflow(workflowId));
      }
    },
    [flag, mutate, myId, refreshTask, workflowId],
  );

  const onResync = useCallback(() => {
    void mutate(swrKeys.board(workflowId));
    void mutate(swrKeys.workflow(workflowId));
  }, [mutate, workflowId]);

  useLiveChannel(workflowId ? workflowChannel(workflowId) : null, onEvent, onResync);
  return movedLive;
}
