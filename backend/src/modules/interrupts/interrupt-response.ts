import type { HumanInterrupt, HumanResponse, InterruptState, Suggestion } from '@tandem/shared';

/**
 * A decided interrupt as LangGraph's HumanResponse: approved = accept (edit when the approver changed the
 * payload), answered = response, ignored = ignore. Expired or withdrawn interrupts were never decided by a human:
 * they answer their status with `ignore`, so a graph that reads only `response` does nothing (fail-closed).
 */
export function interruptState(
  suggestion: Suggestion,
): InterruptState | { status: 'expired' | 'withdrawn'; response: HumanResponse } {
  switch (suggestion.status) {
    case 'pending':
      return { status: 'pending' };
    case 'approved':
      if (suggestion.edited) {
        const { action_request } = suggestion.payload as unknown as HumanInterrupt;
        return { status: 'decided', response: { type: 'edit', args: action_request } };
      }
      return { status: 'decided', response: { type: 'accept', args: null } };
    case 'answered':
      return { status: 'decided', response: { type: 'response', args: suggestion.response ?? '' } };
    case 'ignored':
    case 'rejected':
      return { status: 'decided', response: { type: 'ignore', args: null } };
    case 'expired':
    case 'withdrawn':
      return { status: suggestion.status, response: { type: 'ignore', args: null } };
  }
}
