import type { AuditFilter } from '@tandem/shared';

/**
 * The one place SWR keys are built (STYLE: never hand-built strings). Socket events use the same factory to
 * find the cache entries they update.
 */
export const swrKeys = {
  me: () => ['me'] as const,
  sessions: () => ['sessions'] as const,
  workflows: () => ['workflows'] as const,
  workflow: (id: string) => ['workflow', id] as const,
  board: (workflowId: string) => ['board', workflowId] as const,
  task: (id: string) => ['task', id] as const,
  comments: (taskId: string) => ['comments', taskId] as const,
  taskHistory: (taskId: string) => ['task-history', taskId] as const,
  taskSuggestions: (taskId: string) => ['task-suggestions', taskId] as const,
  queue: () => ['queue'] as const,
  agents: () => ['agents'] as const,
  users: () => ['users'] as const,
  people: () => ['people'] as const,
  audit: (filter: AuditFilter) => ['audit', JSON.stringify(filter)] as const,
  auditVerify: () => ['audit-verify'] as const,
  health: () => ['health'] as const,
  presence: (workflowId: string) => ['presence', workflowId] as const,
  notifications: () => ['notifications'] as const,
  unreadNotifications: () => ['notifications-unread'] as const,
  notificationPreferences: () => ['notification-preferences'] as const,
  mentionCandidates: (q: string) => ['mention-candidates', q] as const,
  webhooks: () => ['webhooks'] as const,
  webhookDeliveries: (id: string) => ['webhook-deliveries', id] as const,
};

export type SwrKey = ReturnType<(typeof swrKeys)[keyof typeof swrKeys]>;
