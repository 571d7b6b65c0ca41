'use client';

import { useCallback, useState, type FormEvent } from 'react';
import { useSWRConfig } from 'swr';
import type { Agent, AgentWithKey, EventEnvelope } from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { formatTime, percent } from '@/lib/format';
import { useEphemeral, useLiveChannel } from '@/lib/live';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { field } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useAgents } from '@/features/board/use-board';
import { useSession } from '@/features/shell/use-session';

const upsertAgent = (agents: Agent[] | undefined, agent: Agent) =>
  agents?.some((item) => item.id === agent.id)
    ? agents.map((item) => (item.id === agent.id ? agent : item))
    : [...(agents ?? []), agent];

/** The key is shown once: after this panel is closed only its hash exists. */
function KeyPanel({ issued, onClose }: { issued: AgentWithKey; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(issued.apiKey);
    setCopied(true);
  };
  return (
    <div className="card key-panel" role="alert">
      <p>
        API key for <strong>{issued.agent.name}</strong>. Copy it now: it is shown only once.
      </p>
      <code className="api-key" data-testid="api-key">
        {issued.apiKey}
      </code>
      <div className="row">
        <button type="button" onClick={() => void copy().catch(() => setCopied(false))}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}

export function AgentsPage() {
  const session = useSession();
  const isAdmin = session.can('admin');
  const agents = useAgents();
  const { mutate } = useSWRConfig();
  const [issued, setIssued] = useState<AgentWithKey>();
  const [error, setError] = useState<string>();

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

  const act = async (work: () => Promise<AgentWithKey | Agent>) => {
    setError(undefined);
    try {
      const result = await work();
      const agent = 'apiKey' in result ? result.agent : result;
      if ('apiKey' in result) setIssued(result);
      await mutate(swrKeys.agents(), (current: Agent[] | undefined) => upsertAgent(current, agent), {
        revalidate: false,
      });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  const register = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const capabilities = field(form, 'capabilities')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    void act(async () => {
      const result = await getClient().registerAgent({
        name: field(form, 'name').trim(),
        description: field(form, 'description'),
        capabilities,
      });
      formElement.reset();
      return result;
    });
  };

  return (
    <div className="agents-page">
      <h1>Agents</h1>
      {issued && <KeyPanel issued={issued} onClose={() => setIssued(undefined)} />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {isAdmin && (
        <form className="row card" onSubmit={register} aria-label="Register an agent">
          <input name="name" placeholder="Agent name" aria-label="Agent name" required />
          <input name="description" placeholder="Description" aria-label="Description" />
          <input name="capabilities" placeholder="capabilities, comma separated" aria-label="Capabilities" />
          <button type="submit" className="primary">
            Register agent
          </button>
        </form>
      )}
      {agents.error ? (
        <ErrorState error={agents.error} retry={() => void agents.mutate()} />
      ) : !agents.data ? (
        <Loading what="agents" />
      ) : agents.data.length === 0 ? (
        <Empty>No agents registered.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Capabilities</th>
                <th>Success rate</th>
                <th>Tasks</th>
                <th>Last seen</th>
                {isAdmin && <th>Key</th>}
              </tr>
            </thead>
            <tbody>
              {agents.data.map((agent) => (
                <tr key={agent.id} data-testid="agent-row">
                  <td className="long">
                    <strong>{agent.name}</strong>
                    {agent.description && <div className="muted small">{agent.description}</div>}
                  </td>
                  <td>
                    <span className="agent">
                      <span className={`dot status-${agent.status}`} aria-hidden="true" />
                      {agent.revoked ? 'revoked' : agent.status}
                    </span>
                  </td>
                  <td>{agent.capabilities.join(', ') || '—'}</td>
                  <td>{percent(agent.successRate)}</td>
                  <td>
                    {agent.totalTasks} ({agent.failedTasks} failed)
                  </td>
                  <td>{formatTime(agent.lastSeen)}</td>
                  {isAdmin && (
                    <td className="row">
                      {!agent.revoked && (
                        <>
                          <button type="button" onClick={() => void act(() => getClient().rotateAgentKey(agent.id))}>
                            Rotate key
                          </button>
                          <button
                            type="button"
                            className="danger"
                            onClick={() => {
                              if (window.confirm(`Revoke ${agent.name}'s key?`))
                                void act(() => getClient().revokeAgent(agent.id));
                            }}
                          >
                            Revoke
                          </button>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
