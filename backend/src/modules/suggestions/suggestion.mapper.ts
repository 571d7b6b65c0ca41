import type { AuditAction, Changes, Suggestion } from '@tandem/shared';
import type { AuditDraft } from '../../core/audit.service';
import type { SuggestionEntity } from './entities/suggestion.entity';

export function toSuggestion(entity: SuggestionEntity): Suggestion {
  return {
    id: entity.id,
    taskId: entity.task,
    workflowId: entity.workflow,
    agentId: entity.agent,
    kind: entity.kind,
    action: entity.action,
    reasoning: entity.reasoning,
    payload: entity.payload,
    confidence: entity.confidence,
    status: entity.status,
    revision: entity.revision,
    revisions: entity.revisions,
    taskVersion: entity.taskVersion,
    idempotencyKey: entity.idempotencyKey,
    edited: entity.edited,
    approvals: entity.approvals,
    decidedBy: entity.decidedBy,
    decidedByName: entity.decidedByName,
    decidedAt: entity.decidedAt?.toISOString() ?? null,
    decisionNote: entity.decisionNote,
    response: entity.response,
    changesRequested: entity.changesRequested,
    expiresAt: entity.expiresAt?.toISOString() ?? null,
    escalated: entity.escalated,
    reviewers: entity.reviewers,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
    version: entity.version,
  };
}

/** The audit entry of a change to a suggestion; `data` is read after flush, so it carries the new version. */
export function suggestionDraft(
  suggestion: SuggestionEntity,
  action: AuditAction,
  changes: Changes,
  context: Record<string, unknown> = {},
): AuditDraft {
  return {
    action,
    entityType: 'suggestion',
    entityId: suggestion.id,
    workflowId: suggestion.workflow,
    changes,
    context,
    data: () => toSuggestion(suggestion),
  };
}
