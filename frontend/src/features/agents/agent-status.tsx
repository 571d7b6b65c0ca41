import type { Agent } from '@tandem/shared';

/** What each status means, for the title and screen readers. */
export const AGENT_STATUS_WORDS: Record<Agent['status'] | 'revoked', string> = {
  online: 'online',
  busy: 'busy: working',
  idle: 'idle: connected, waiting for work',
  offline: 'offline',
  revoked: 'revoked: its key no longer works',
};

export function agentStatus(agent: Agent): Agent['status'] | 'revoked' {
  return agent.revoked ? 'revoked' : agent.status;
}

/** A coloured dot with the status in words next to it (never colour alone). */
export function AgentStatusDot({ agent, withText = false }: { agent: Agent; withText?: boolean }) {
  const status = agentStatus(agent);
  return (
    <span className="agent-status" title={AGENT_STATUS_WORDS[status]} data-status={status}>
      <span className={`dot status-${status}`} aria-hidden="true" />
      {withText ? status : <span className="sr-only">{status}</span>}
    </span>
  );
}

/** "now" while connected, "5 min ago", or "never". */
export function lastSeenWords(agent: Agent, now = Date.now()): string {
  if (!agent.revoked && agent.status !== 'offline') return 'now';
  if (!agent.lastSeen) return 'never';
  const seconds = Math.max(0, Math.round((now - new Date(agent.lastSeen).getTime()) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(agent.lastSeen).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
