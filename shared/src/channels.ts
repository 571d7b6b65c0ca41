/** Socket channel names (DESIGN 5). */
export const STATIC_CHANNELS = ['workflows', 'queue', 'agents', 'audit'] as const;
export type StaticChannel = (typeof STATIC_CHANNELS)[number];
export type WorkflowChannel = `workflow:${string}`;
export type Channel = StaticChannel | WorkflowChannel;

export const workflowChannel = (workflowId: string): WorkflowChannel => `workflow:${workflowId}`;

export function parseChannel(
  channel: string,
): { kind: StaticChannel } | { kind: 'workflow'; workflowId: string } | null {
  if ((STATIC_CHANNELS as readonly string[]).includes(channel)) return { kind: channel as StaticChannel };
  const match = /^workflow:([0-9a-f-]{36})$/i.exec(channel);
  return match ? { kind: 'workflow', workflowId: match[1].toLowerCase() } : null;
}
