import type { AuditEntry, Channel } from '@tandem/shared';
import { parseChannel, workflowChannel } from '@tandem/shared';

/**
 * Which channels an audit entry is an event on. This is a pure function of the entry, and `channelFilter`
 * says the same thing in SQL over `audit_log`: `prev` and replay are computed from the log with it, so the two
 * must always agree (a test checks them against each other).
 */
export function channelsOf(entry: Pick<AuditEntry, 'outcome' | 'workflowId' | 'entityType'>): Channel[] {
  const channels: Channel[] = ['audit'];
  if (entry.outcome !== 'success') return channels;
  if (entry.workflowId) channels.push(workflowChannel(entry.workflowId));
  if (entry.entityType === 'workflow') channels.push('workflows');
  if (entry.entityType === 'suggestion') channels.push('queue');
  if (entry.entityType === 'agent') channels.push('agents');
  return channels;
}

/** The SQL condition (with its parameters) selecting a channel's entries in `audit_log`; null for no channel. */
export function channelFilter(channel: string): { where: string; params: unknown[] } | null {
  const parsed = parseChannel(channel);
  if (!parsed) return null;
  switch (parsed.kind) {
    case 'audit':
      return { where: 'true', params: [] };
    case 'workflow':
      return { where: `outcome = 'success' and workflow_id = ?`, params: [parsed.workflowId] };
    case 'workflows':
      return { where: `outcome = 'success' and entity_type = 'workflow'`, params: [] };
    case 'queue':
      return { where: `outcome = 'success' and entity_type = 'suggestion'`, params: [] };
    case 'agents':
      return { where: `outcome = 'success' and entity_type = 'agent'`, params: [] };
  }
}

/**
 * What an agent may see of a `workflow:<id>` channel it follows: everything except other agents' suggestions,
 * which REST refuses it (agents read only their own). Decided on the envelope, so every node can apply it to its
 * own sockets; `agentViewFilter` says the same in SQL for replays and `prev`.
 */
export function agentSees(envelope: { type: string; data: unknown }, agentId: string): boolean {
  if (!envelope.type.startsWith('suggestion.')) return true;
  return (envelope.data as { agentId?: unknown } | null)?.agentId === agentId;
}

/** `agentSees` over `audit_log` rows (a test checks the two against each other). */
export function agentViewFilter(agentId: string): { where: string; params: unknown[] } {
  return { where: `not (action like 'suggestion.%' and (data->>'agentId') is distinct from ?)`, params: [agentId] };
}
