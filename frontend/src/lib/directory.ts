'use client';

import { useCallback, useMemo } from 'react';
import { useSWRConfig } from 'swr';
import type { Agent, EventEnvelope, Page, PersonSummary } from '@tandem/shared';
import { getClient } from './client';
import { useEphemeral, useLiveChannel } from './live';
import { useApi } from './use-api';
import { swrKeys } from './swr-keys';

/** Every page of a cursor-paged list (the registries behind pickers are small). */
export async function fetchAll<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export const fetchAgents = () => fetchAll((cursor) => getClient().listAgents({ limit: 200, cursor }));

const upsertAgent = (agents: Agent[] | undefined, agent: Agent) =>
  agents?.some((item) => item.id === agent.id)
    ? agents.map((item) => (item.id === agent.id ? agent : item))
    : [...(agents ?? []), agent];

/**
 * All agents, kept live: `agent.*` events replace an agent with the event's data (which carries its counts and
 * status), `agent.status` updates its status. The same cache feeds the agents page, the board and pickers, so
 * all of them show the same status.
 */
export function useAgents() {
  const { mutate } = useSWRConfig();
  const agents = useApi<Agent[]>(swrKeys.agents(), fetchAgents);
  const onEvent = useCallback(
    (event: EventEnvelope) => {
      if (!event.type.startsWith('agent.')) return;
      void mutate(swrKeys.agents(), (current: Agent[] | undefined) => upsertAgent(current, event.data as Agent), {
        revalidate: false,
      });
    },
    [mutate],
  );
  useLiveChannel('agents', onEvent, () => void mutate(swrKeys.agents()));
  useEphemeral((event) => {
    if (event.type !== 'agent.status') return;
    const { agentId, status } = event.data;
    void mutate(
      swrKeys.agents(),
      (current: Agent[] | undefined) => current?.map((agent) => (agent.id === agentId ? { ...agent, status } : agent)),
      { revalidate: false },
    );
  });
  return agents;
}

export function useAgentsById(): Map<string, Agent> {
  const agents = useAgents();
  return useMemo(() => new Map((agents.data ?? []).map((agent) => [agent.id, agent])), [agents.data]);
}

/** People by id, for names in pickers, cards, history and the audit log (anyone signed in may read it). */
export function usePeople() {
  const people = useApi<PersonSummary[]>(swrKeys.people(), () =>
    fetchAll((cursor) => getClient().listPeople({ limit: 200, cursor })),
  );
  const byId = useMemo(() => new Map((people.data ?? []).map((person) => [person.id, person])), [people.data]);
  return { ...people, byId };
}
