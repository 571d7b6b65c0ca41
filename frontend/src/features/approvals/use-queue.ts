'use client';

import { useCallback } from 'react';
import { useSWRConfig } from 'swr';
import type { EventEnvelope, Suggestion } from '@tandem/shared';
import { getClient } from '@/lib/client';
import { useLiveChannel } from '@/lib/live';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';

const oldestFirst = (a: Suggestion, b: Suggestion) =>
  a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

async function fetchQueue(): Promise<Suggestion[]> {
  const items: Suggestion[] = [];
  let cursor: string | undefined;
  do {
    const page = await getClient().listSuggestions({ status: 'pending', limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items.sort(oldestFirst);
}

/** The queue after an event: a pending suggestion is (re)placed, a decided one leaves. */
export function applyQueueEvent(queue: Suggestion[] | undefined, suggestion: Suggestion): Suggestion[] {
  const rest = (queue ?? []).filter((item) => item.id !== suggestion.id);
  return suggestion.status === 'pending' ? [...rest, suggestion].sort(oldestFirst) : rest;
}

/** Pending suggestions, oldest first; live on the `queue` channel for approvers (the only ones it admits). */
export function usePendingSuggestions(live: boolean) {
  const { mutate } = useSWRConfig();
  const queue = useApi(swrKeys.queue(), fetchQueue, { refreshInterval: live ? 0 : 15_000 });
  const onEvent = useCallback(
    (event: EventEnvelope) => {
      if (!event.type.startsWith('suggestion.')) return;
      void mutate(
        swrKeys.queue(),
        (current: Suggestion[] | undefined) => applyQueueEvent(current, event.data as Suggestion),
        { revalidate: false },
      );
    },
    [mutate],
  );
  const onResync = useCallback(() => void mutate(swrKeys.queue()), [mutate]);
  useLiveChannel(live ? 'queue' : null, onEvent, onResync);
  return queue;
}
