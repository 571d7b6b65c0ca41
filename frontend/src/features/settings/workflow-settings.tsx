'use client';

import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import {
  TASK_STATUSES,
  WORKFLOW_STATUSES,
  type Agent,
  type Reviewers,
  type Role,
  type TaskStatus,
  type TimeoutAction,
  type WipLimitsPatch,
  type Workflow,
  type WorkflowStatus,
} from '@tandem/shared';
import { errorMessage, getClient, isConflict } from '@/lib/client';
import { useAgents, usePeople } from '@/lib/directory';
import { COLUMN_TITLES } from '@/lib/format';
import { ConfirmButton } from '@/lib/one-time-secret';
import { ErrorState, Loading } from '@/lib/states';
import { field } from '@/lib/use-api';
import { useSession } from '@/features/shell/use-session';
import { useWorkflow, workflowIdFromPath } from '@/features/board/use-board';
import { AgentStatusDot } from '@/features/agents/agent-status';

const TIME_UNITS = [
  { value: 60, label: 'minutes' },
  { value: 3600, label: 'hours' },
  { value: 86_400, label: 'days' },
] as const;

/** A TTL in the largest unit that divides it (90 min stays minutes, 2 h shows as hours). */
function splitTtl(seconds: number | null): { amount: string; unit: number } {
  if (!seconds) return { amount: '', unit: 3600 };
  const unit = [...TIME_UNITS].reverse().find((candidate) => seconds % candidate.value === 0)?.value ?? 60;
  return { amount: String(seconds / unit), unit };
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `settings-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className="card settings-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Save feedback for one form: an error in words, or a short "Saved". */
function useSave(onSaved: (workflow: Workflow) => void) {
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const save = async (work: () => Promise<Workflow>, done = 'Saved.') => {
    setMessage(undefined);
    try {
      onSaved(await work());
      setMessage({ ok: true, text: done });
    } catch (caught) {
      if (isConflict(caught) && caught.current) onSaved(caught.current as Workflow);
      setMessage({
        ok: false,
        text: isConflict(caught)
          ? 'Someone changed these settings meanwhile; the form now shows their version. Check and save again.'
          : errorMessage(caught),
      });
    }
  };
  const shown = message && (
    <p className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
      {message.text}
    </p>
  );
  return { save, shown };
}

function GeneralForm({ workflow, canEdit, onSaved }: FormProps) {
  const { save, shown } = useSave(onSaved);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void save(() =>
      getClient().updateWorkflow(workflow.id, {
        name: field(form, 'name').trim(),
        description: field(form, 'description'),
        status: field(form, 'status') as WorkflowStatus,
        version: workflow.version,
      }),
    );
  };
  return (
    <Section title="General">
      <form onSubmit={submit} key={workflow.version}>
        <fieldset disabled={!canEdit} className="stack">
          <label>
            Name
            <input name="name" defaultValue={workflow.name} required maxLength={200} />
          </label>
          <label>
            Description
            <textarea name="description" defaultValue={workflow.description} rows={3} maxLength={20000} />
          </label>
          <label>
            Status
            <select name="status" defaultValue={workflow.status}>
              {WORKFLOW_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
          {canEdit && (
            <div className="row">
              <button type="submit" className="primary">
                Save
              </button>
            </div>
          )}
        </fieldset>
      </form>
      {shown}
      {canEdit && !workflow.archivedAt && (
        <div className="row">
          <ConfirmButton
            label="Archive workflow"
            question="Archive it? The board and its history stay readable; it leaves the dashboard list."
            confirmLabel="Archive"
            danger
            onConfirm={() => void save(() => getClient().archiveWorkflow(workflow.id), 'Archived.')}
          />
        </div>
      )}
      {workflow.archivedAt && <p className="muted">Archived.</p>}
    </Section>
  );
}

function WipForm({ workflow, canEdit, onSaved }: FormProps) {
  const { save, shown } = useSave(onSaved);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const wipLimits: WipLimitsPatch = {};
    for (const status of TASK_STATUSES) {
      const limit = field(form, `limit-${status}`).trim();
      wipLimits[status] = limit === '' ? null : { limit: Number(limit), hard: form.get(`hard-${status}`) === 'on' };
    }
    void save(() => getClient().updateWorkflow(workflow.id, { wipLimits, version: workflow.version }));
  };
  return (
    <Section title="Work-in-progress limits">
      <p className="muted small">
        Empty means no limit. Over a soft limit a move is allowed with a warning; a hard limit refuses it.
      </p>
      <form onSubmit={submit} key={workflow.version}>
        <fieldset disabled={!canEdit}>
          <table className="table wip-table">
            <thead>
              <tr>
                <th>Column</th>
                <th>Limit</th>
                <th>Hard</th>
              </tr>
            </thead>
            <tbody>
              {TASK_STATUSES.map((status: TaskStatus) => (
                <tr key={status}>
                  <td>{COLUMN_TITLES[status]}</td>
                  <td>
                    <input
                      name={`limit-${status}`}
                      type="number"
                      min={0}
                      max={100000}
                      inputMode="numeric"
                      aria-label={`WIP limit of ${COLUMN_TITLES[status]}`}
                      defaultValue={workflow.wipLimits[status]?.limit ?? ''}
                    />
                  </td>
                  <td>
                    <input
                      name={`hard-${status}`}
                      type="checkbox"
                      aria-label={`Hard limit for ${COLUMN_TITLES[status]}`}
                      defaultChecked={workflow.wipLimits[status]?.hard ?? false}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {canEdit && (
            <button type="submit" className="primary">
              Save limits
            </button>
          )}
        </fieldset>
      </form>
      {shown}
    </Section>
  );
}

/** A duration as an amount and a unit, the unit picked from minutes, hours and days. */
function DurationInput({ prefix, seconds, label }: { prefix: string; seconds: number | null; label: string }) {
  const split = splitTtl(seconds);
  return (
    <div className="row">
      <label>
        {label}
        <input name={`${prefix}Amount`} type="number" min={1} step="any" required defaultValue={split.amount || '24'} />
      </label>
      <label>
        Unit
        <select name={`${prefix}Unit`} defaultValue={split.unit}>
          {TIME_UNITS.map((unit) => (
            <option key={unit.value} value={unit.value}>
              {unit.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

const durationOf = (form: FormData, prefix: string) =>
  Math.round(Number(field(form, `${prefix}Amount`)) * Number(field(form, `${prefix}Unit`)));

const ESCALATION_ROLES: Role[] = ['approver', 'admin'];

/** Who hears of an escalation: roles and/or named people; nobody picked means every admin. */
function EscalationReviewers({ reviewers }: { reviewers: Reviewers | null | undefined }) {
  const people = usePeople();
  const candidates = (people.data ?? []).filter((person) => !person.disabled && person.role !== 'viewer');
  return (
    <fieldset className="stack tight">
      <legend>Escalate to</legend>
      {ESCALATION_ROLES.map((role) => (
        <label className="inline" key={role}>
          <input
            type="checkbox"
            name="escalateRole"
            value={role}
            defaultChecked={reviewers?.roles?.includes(role) ?? false}
          />{' '}
          Every {role}
        </label>
      ))}
      <label>
        These people
        <select
          key={people.data ? 'loaded' : 'loading'} // defaultValue applies once the options exist
          name="escalateUser"
          multiple
          size={Math.min(5, Math.max(2, candidates.length))}
          defaultValue={reviewers?.users ?? []}
          aria-describedby="escalate-help"
        >
          {candidates.map((person) => (
            <option key={person.id} value={person.id}>
              {person.name} ({person.role})
            </option>
          ))}
        </select>
      </label>
      <p className="muted small" id="escalate-help">
        Nobody picked: every admin hears of it.
      </p>
    </fieldset>
  );
}

function PolicyForm({ workflow, canEdit, onSaved }: FormProps) {
  const { save, shown } = useSave(onSaved);
  const { policy } = workflow;
  const [autoApprove, setAutoApprove] = useState(policy.autoApproveAbove !== null);
  const [limited, setLimited] = useState(policy.suggestionTtlSeconds !== null);
  const [escalateAfter, setEscalateAfter] = useState(policy.escalateAfterSeconds != null);
  useEffect(() => {
    setAutoApprove(workflow.policy.autoApproveAbove !== null);
    setLimited(workflow.policy.suggestionTtlSeconds !== null);
    setEscalateAfter(workflow.policy.escalateAfterSeconds != null);
  }, [workflow.policy]);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const roles = form.getAll('escalateRole').map(String) as Role[];
    const users = form.getAll('escalateUser').map(String);
    void save(() =>
      getClient().updateWorkflow(workflow.id, {
        policy: {
          requiredApprovals: Number(field(form, 'requiredApprovals')),
          separationOfDuties: form.get('separationOfDuties') === 'on',
          suggestionTtlSeconds: limited ? durationOf(form, 'ttl') : null,
          timeoutAction: limited ? (field(form, 'timeoutAction') as TimeoutAction) : (policy.timeoutAction ?? 'expire'),
          escalateAfterSeconds: escalateAfter ? durationOf(form, 'escalate') : null,
          escalationReviewers: roles.length || users.length ? { roles, users } : null,
          autoApproveAbove: autoApprove ? Number(field(form, 'autoApproveAbove')) / 100 : null,
        },
        version: workflow.version,
      }),
    );
  };
  return (
    <Section title="Approval policy">
      <form onSubmit={submit} key={workflow.version}>
        <fieldset disabled={!canEdit} className="stack">
          <label>
            Approvals required before a suggestion is applied
            <input
              name="requiredApprovals"
              type="number"
              min={1}
              max={10}
              required
              defaultValue={policy.requiredApprovals}
            />
          </label>
          <label className="inline">
            <input name="separationOfDuties" type="checkbox" defaultChecked={policy.separationOfDuties} /> Separation of
            duties: whoever created or last changed the task may not approve suggestions on it
          </label>
          <label className="inline">
            <input type="checkbox" checked={limited} onChange={(event) => setLimited(event.target.checked)} /> Time
            limit for a decision
          </label>
          {limited && (
            <>
              <DurationInput prefix="ttl" seconds={policy.suggestionTtlSeconds} label="Decide within" />
              <label>
                When the time is up
                <select name="timeoutAction" defaultValue={policy.timeoutAction ?? 'expire'}>
                  <option value="expire">It expires: the agent is told and may ask again</option>
                  <option value="reject">It is rejected: the agent is told no</option>
                </select>
              </label>
            </>
          )}
          <p className="muted small">A timeout never approves anything.</p>
          <label>
            Escalate an undecided suggestion
            <select
              name="escalateWhen"
              value={escalateAfter ? 'after' : 'halfway'}
              onChange={(event) => setEscalateAfter(event.target.value === 'after')}
            >
              <option value="halfway">At half the time limit (never without one)</option>
              <option value="after">After a set time</option>
            </select>
          </label>
          {escalateAfter && (
            <DurationInput prefix="escalate" seconds={policy.escalateAfterSeconds ?? null} label="Escalate after" />
          )}
          <EscalationReviewers reviewers={policy.escalationReviewers} />
          <label className="inline">
            <input type="checkbox" checked={autoApprove} onChange={(event) => setAutoApprove(event.target.checked)} />{' '}
            Approve automatically when the agent is confident enough
          </label>
          {autoApprove && (
            <label>
              Auto-approve above this confidence (%)
              <input
                name="autoApproveAbove"
                type="number"
                min={0}
                max={100}
                required
                defaultValue={Math.round((policy.autoApproveAbove ?? 0.95) * 100)}
              />
            </label>
          )}
          {canEdit && (
            <div className="row">
              <button type="submit" className="primary">
                Save policy
              </button>
            </div>
          )}
        </fieldset>
      </form>
      {shown}
    </Section>
  );
}

/** Assigned agents, added and removed with a picker (PUT /api/workflows/:id/agents with the whole list). */
export function AgentAssignment({ workflow, canEdit, onSaved }: FormProps) {
  const agents = useAgents();
  const { save, shown } = useSave(onSaved);
  const [picked, setPicked] = useState('');
  const byId = useMemo(() => new Map((agents.data ?? []).map((agent) => [agent.id, agent])), [agents.data]);
  const assigned = workflow.agentIds.map((id) => byId.get(id)).filter((agent): agent is Agent => !!agent);
  const available = (agents.data ?? []).filter((agent) => !agent.revoked && !workflow.agentIds.includes(agent.id));
  const setAgents = (agentIds: string[], done: string) =>
    void save(() => getClient().assignAgents(workflow.id, { agentIds }), done);
  return (
    <Section title="Agents">
      {assigned.length === 0 ? (
        <p className="muted">No agents work on this workflow yet.</p>
      ) : (
        <ul className="assigned-agents" data-testid="assigned-agents">
          {assigned.map((agent) => (
            <li key={agent.id}>
              <AgentStatusDot agent={agent} /> <strong>{agent.name}</strong>
              {canEdit && (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Remove ${agent.name} from this workflow`}
                  onClick={() =>
                    setAgents(
                      workflow.agentIds.filter((id) => id !== agent.id),
                      `${agent.name} no longer works on this workflow.`,
                    )
                  }
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            const agent = byId.get(picked);
            if (!agent) return;
            setAgents([...workflow.agentIds, agent.id], `${agent.name} now works on this workflow.`);
            setPicked('');
          }}
        >
          <label>
            Add an agent
            <select value={picked} onChange={(event) => setPicked(event.target.value)} name="agent">
              <option value="">Choose an agent…</option>
              {available.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name} ({agent.status})
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={!picked}>
            Add agent
          </button>
        </form>
      )}
      {shown}
    </Section>
  );
}

interface FormProps {
  workflow: Workflow;
  canEdit: boolean;
  onSaved: (workflow: Workflow) => void;
}

export function WorkflowSettings() {
  const [workflowId, setWorkflowId] = useState('');
  useEffect(() => setWorkflowId(workflowIdFromPath()), []);
  const session = useSession();
  const workflow = useWorkflow(workflowId);
  if (!workflowId) return <Loading what="settings" />;
  if (!session.can('approver')) return <p className="state">Only admins and approvers see workflow settings.</p>;
  if (workflow.error) return <ErrorState error={workflow.error} retry={() => void workflow.mutate()} />;
  if (!workflow.data) return <Loading what="settings" />;
  const canEdit = session.can('admin');
  const props: FormProps = {
    workflow: workflow.data,
    canEdit,
    onSaved: (saved) => void workflow.mutate(saved, { revalidate: false }),
  };
  return (
    <div className="settings-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={`/workflows/${workflowId}`}>← Board: {workflow.data.name}</a>
      </nav>
      <h1>Settings: {workflow.data.name}</h1>
      {!canEdit && <p className="notice info">Read-only: only admins change workflow settings.</p>}
      <GeneralForm {...props} />
      <WipForm {...props} />
      <PolicyForm {...props} />
      <AgentAssignment {...props} />
    </div>
  );
}
