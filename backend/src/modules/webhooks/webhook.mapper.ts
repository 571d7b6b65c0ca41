import type { Webhook } from '@tandem/shared';
import type { WebhookEntity } from './entities/webhook.entity';

export function toWebhook(entity: WebhookEntity): Webhook {
  return {
    id: entity.id,
    url: entity.url,
    events: entity.events,
    workflowId: entity.workflowId,
    format: entity.format,
    description: entity.description,
    status: entity.status,
    active: entity.status === 'active',
    consecutiveFailures: entity.consecutiveFailures,
    pausedReason: entity.pausedReason,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
    version: entity.version,
  };
}

/** Whether an audit action matches a webhook's patterns: exact, `family.*`, or `*`. */
export function matchesEvent(patterns: string[], action: string): boolean {
  return patterns.some(
    (pattern) =>
      pattern === '*' || pattern === action || (pattern.endsWith('.*') && action.startsWith(pattern.slice(0, -1))),
  );
}
