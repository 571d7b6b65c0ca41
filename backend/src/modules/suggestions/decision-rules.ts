import type { Decision, HumanInterrupt, SuggestionKind } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { canonicalJson } from '../../core/audit-hash';

/** What a decision asks for, as far as the kind's rules are concerned. */
export interface DecisionRequest {
  decision: Decision;
  payload?: Record<string, unknown>;
  response?: string;
}

const notAllowed = (message: string, details: Record<string, unknown>) =>
  new AppError(ErrorCode.DecisionNotAllowed, message, { details });

/** Whether an approval with this payload changes the payload (jsonb reorders keys: canonical comparison). */
export const isEdit = (edited: Record<string, unknown> | undefined, original: Record<string, unknown>) =>
  edited !== undefined && canonicalJson(edited) !== canonicalJson(original);

/**
 * An approver's `payload: {args}` (or `{action, args}`) on an interrupt, as the full HumanInterrupt it makes:
 * LangGraph's edit answers the whole action request.
 */
export function editedInterrupt(original: HumanInterrupt, edit: Record<string, unknown>): Record<string, unknown> {
  const action = typeof edit.action === 'string' ? edit.action : original.action_request.action;
  return { ...original, action_request: { action, args: edit.args } };
}

/**
 * The decisions each kind allows (400 `decision_not_allowed` otherwise): `respond`/`ignore` only on a question or
 * an interrupt; an interrupt exactly what its config allows (accept, edit = approve with a changed payload,
 * respond, ignore), a question `respond`, `ignore` or `reject`. `payload` must already be the full edited payload.
 */
export function assertDecisionAllowed(kind: SuggestionKind, original: Record<string, unknown>, dto: DecisionRequest) {
  if (dto.decision === 'respond' && !dto.response) {
    throw new AppError(ErrorCode.ValidationFailed, 'A respond decision needs the response text', {
      details: [{ field: 'response', errors: ['response must be a non-empty string'] }],
    });
  }
  if (dto.response !== undefined && dto.decision !== 'respond') {
    throw AppError.badRequest('Only a respond decision carries a response', { decision: dto.decision });
  }
  const given = { kind, decision: dto.decision };
  switch (kind) {
    case 'question':
      if (dto.decision === 'respond' || dto.decision === 'ignore' || dto.decision === 'reject') return;
      throw notAllowed(`A question is answered with respond (or ignore, reject), not ${dto.decision}`, given);
    case 'interrupt': {
      const { config } = original as unknown as HumanInterrupt;
      const edit = dto.decision === 'approve' && isEdit(dto.payload, original);
      const allowed =
        (dto.decision === 'approve' && (edit ? config.allow_edit : config.allow_accept)) ||
        (dto.decision === 'respond' && config.allow_respond) ||
        (dto.decision === 'ignore' && config.allow_ignore);
      if (allowed) return;
      const asked = edit ? 'edit' : dto.decision === 'approve' ? 'accept' : dto.decision;
      throw notAllowed(`This interrupt's config does not allow ${asked}`, { ...given, config });
    }
    case 'task.update':
    case 'task.move':
    case 'task.create':
    case 'comment':
    case 'custom':
      if (dto.decision !== 'respond' && dto.decision !== 'ignore') return;
      throw notAllowed(`A ${kind} suggestion is approved, rejected or sent back, not ${dto.decision}`, given);
  }
}
