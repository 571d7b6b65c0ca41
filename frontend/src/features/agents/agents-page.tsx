'use client';

import { useMemo, useState } from 'react';
import type { Agent, AgentWithKey, Workflow } from '@tandem/shared';
import { CreateForm, RecordTable, useActions, type Column } from '@/lib/admin-list';
import { getClient } from '@/lib/client';
import { useAgents } from '@/lib/directory';
import { formatTime, percent } from '@/lib/format';
import { ConfirmButton, OneTimeSecret } from '@/lib/one-time-secret';
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
  const { act, messages } = useActions();

  /** Runs an admin action, then refreshes the list; a new key (register, rotate) is shown once. */
  const change = (work: () => Promise<unknown>, done?: string) =>
    void act(async () => {
      const result = await work();
      if (result && typeof result === 'object' && 'apiKey' in result) setIssued(result as AgentWithKey);
      await agents.mutate();
    }, done);

  const register = (form: FormData, formElement: HTMLFormElement) => {
    const capabilities = field(form, 'capabilities')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    change(async () => {
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
    change(async () => {
      await getClient().assignAgents(workflow.id, { agentIds });
      await workflowsAnswer.mutate();
    }, `Assignments of ${workflow.name} saved.`);

  const columns: (Column<Agent> | false)[] = [
    {
      label: 'Name',
      className: 'long',
      cell: (agent) => (
        <>
          <strong>{agent.name}</strong>
          {agent.description && <div className="muted small">{agent.description}</div>}
          {agent.capabilities.length > 0 && <div className="muted small">{agent.capabilities.join(', ')}</div>}
        </>
      ),
    },
    { label: 'Status', testId: 'agent-status', cell: (agent) => <AgentStatusDot agent={agent} withText /> },
    { label: 'Tasks', testId: 'agent-tasks', cell: (agent) => `${agent.totalTasks} (${agent.failedTasks} failed)` },
    { label: 'Success rate', testId: 'agent-success', cell: (agent) => percent(agent.successRate) },
    {
      label: 'Last seen',
      title: (agent) => (agent.lastSeen ? formatTime(agent.lastSeen) : undefined),
      cell: (agent) => lastSeenWords(agent),
    },
    {
      label: 'Workflows',
      cell: (agent) => <AgentWorkflows agent={agent} workflows={workflows} canEdit={isAdmin} onChange={assign} />,
    },
    isAdmin && {
      label: 'Key',
      cell: (agent) =>
        !agent.revoked && (
          <div className="row">
            <ConfirmButton
              label="Rotate key"
              question={`New key for ${agent.name}? The old one stops working.`}
              confirmLabel="Rotate"
              onConfirm={() => change(() => getClient().rotateAgentKey(agent.id))}
            />
            <ConfirmButton
              label="Revoke"
              question={`Revoke ${agent.name}'s key?`}
              confirmLabel="Revoke"
              danger
              onConfirm={() => change(() => getClient().revokeAgent(agent.id))}
            />
          </div>
        ),
    },
  ];

  return (
    <div className="agents-page">
      <h1>Agents</h1>
      {issued && (
        <OneTimeSecret secret={issued.apiKey} onClose={() => setIssued(undefined)} testId="api-key">
          API key for <strong>{issued.agent.name}</strong>: the agent sends it as <code>Authorization: Bearer …</code>.
          Assign the agent to a workflow below to put it to work.
        </OneTimeSecret>
      )}
      {messages}
      {isAdmin && (
        <CreateForm id="register-agent" title="Register an agent" submitLabel="Register agent" onSubmit={register}>
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
        </CreateForm>
      )}
      <RecordTable
        answer={agents}
        what="agents"
        testId="agents-table"
        columns={columns}
        rowAttributes={(agent) => ({ 'data-testid': 'agent-row', 'data-agent-id': agent.id })}
      />
    </div>
  );
}
