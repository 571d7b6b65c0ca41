'use client';

import { useMemo, useState, type FormEvent } from 'react';
import type { Agent, AgentWithKey, Workflow } from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { useAgents } from '@/lib/directory';
import { formatTime, percent } from '@/lib/format';
import { ConfirmButton, OneTimeSecret } from '@/lib/one-time-secret';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { field, useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { useSession } from '@/features/shell/use-session';
import { AgentStatusDot, lastSeenWords } from './agent-status';

/** The workflows an agent works on, with a picker to add one and a button to take it off one (admins). */
function AgentWorkflows({
  agent,
  workflows,
  canEdit,
  onChange,
}: {
  agent: Agent;
  workflows: Workflow[];
  canEdit: boolean;
  onChange: (workflow: Workflow, agentIds: string[]) => void;
}) {
  const [picked, setPicked] = useState('');
  const mine = workflows.filter((workflow) => workflow.agentIds.includes(agent.id));
  const others = workflows.filter((workflow) => !workflow.agentIds.includes(agent.id));
  return (
    <div className="stack tight">
      {mine.length === 0 ? (
        <span className="muted">none</span>
      ) : (
        <ul className="chips">
          {mine.map((workflow) => (
            <li key={workflow.id}>
              <a href={`/workflows/${workflow.id}`}>{workflow.name}</a>
              {canEdit && (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Take ${agent.name} off ${workflow.name}`}
                  onClick={() =>
                    onChange(
                      workflow,
                      workflow.agentIds.filter((id) => id !== agent.id),
                    )
                  }
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && !agent.revoked && others.length > 0 && (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            const workflow = others.find((candidate) => candidate.id === picked);
            if (workflow) onChange(workflow, [...workflow.agentIds, agent.id]);
            setPicked('');
          }}
        >
          <select
            aria-label={`Assign ${agent.name} to a workflow`}
            value={picked}
            onChange={(event) => setPicked(event.target.value)}
          >
            <option value="">Assign to…</option>
            {others.map((workflow) => (
              <option key={workflow.id} value={workflow.id}>
                {workflow.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={!picked}>
            Assign
          </button>
        </form>
      )}
    </div>
  );
}

export function AgentsPage() {
  const session = useSession();
  const isAdmin = session.can('admin');
  const agents = useAgents();
  const workflowsAnswer = useApi(swrKeys.workflows(), () => getClient().listWorkflows({ limit: 200 }));
  const workflows = useMemo(() => workflowsAnswer.data?.items ?? [], [workflowsAnswer.data]);
  const [issued, setIssued] = useState<AgentWithKey>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();

  const act = async (work: () => Promise<unknown>, done?: string) => {
    setError(undefined);
    setStatus(undefined);
    try {
      const result = await work();
      if (result && typeof result === 'object' && 'apiKey' in result) setIssued(result as AgentWithKey);
      await agents.mutate();
      if (done) setStatus(done);
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

  const assign = (workflow: Workflow, agentIds: string[]) =>
    void act(async () => {
      await getClient().assignAgents(workflow.id, { agentIds });
      await workflowsAnswer.mutate();
    }, `Assignments of ${workflow.name} saved.`);

  return (
    <div className="agents-page">
      <h1>Agents</h1>
      {issued && (
        <OneTimeSecret secret={issued.apiKey} onClose={() => setIssued(undefined)} testId="api-key">
          API key for <strong>{issued.agent.name}</strong>: the agent sends it as <code>Authorization: Bearer …</code>.
          Assign the agent to a workflow below to put it to work.
        </OneTimeSecret>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p className="ok" role="status">
          {status}
        </p>
      )}
      {isAdmin && (
        <form className="card form-grid" onSubmit={register} aria-labelledby="register-agent">
          <h2 id="register-agent">Register an agent</h2>
          <label>
            Name
            <input name="name" required maxLength={200} />
          </label>
          <label>
            Description
            <input name="description" />
          </label>
          <label>
            Capabilities
            <input name="capabilities" placeholder="comma separated" />
          </label>
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
          <table className="table responsive" data-testid="agents-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Tasks</th>
                <th>Success rate</th>
                <th>Last seen</th>
                <th>Workflows</th>
                {isAdmin && <th>Key</th>}
              </tr>
            </thead>
            <tbody>
              {agents.data.map((agent) => (
                <tr key={agent.id} data-testid="agent-row" data-agent-id={agent.id}>
                  <td data-label="Name" className="long">
                    <strong>{agent.name}</strong>
                    {agent.description && <div className="muted small">{agent.description}</div>}
                    {agent.capabilities.length > 0 && (
                      <div className="muted small">{agent.capabilities.join(', ')}</div>
                    )}
                  </td>
                  <td data-label="Status" data-testid="agent-status">
                    <AgentStatusDot agent={agent} withText />
                  </td>
                  <td data-label="Tasks" data-testid="agent-tasks">
                    {agent.totalTasks} ({agent.failedTasks} failed)
                  </td>
                  <td data-label="Success rate" data-testid="agent-success">
                    {percent(agent.successRate)}
                  </td>
                  <td data-label="Last seen" title={agent.lastSeen ? formatTime(agent.lastSeen) : undefined}>
                    {lastSeenWords(agent)}
                  </td>
                  <td data-label="Workflows">
                    <AgentWorkflows agent={agent} workflows={workflows} canEdit={isAdmin} onChange={assign} />
                  </td>
                  {isAdmin && (
                    <td data-label="Key">
                      {!agent.revoked && (
                        <div className="row">
                          <ConfirmButton
                            label="Rotate key"
                            question={`New key for ${agent.name}? The old one stops working.`}
                            confirmLabel="Rotate"
                            onConfirm={() => void act(() => getClient().rotateAgentKey(agent.id))}
                          />
                          <ConfirmButton
                            label="Revoke"
                            question={`Revoke ${agent.name}'s key?`}
                            confirmLabel="Revoke"
                            danger
                            onConfirm={() => void act(() => getClient().revokeAgent(agent.id))}
                          />
                        </div>
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
