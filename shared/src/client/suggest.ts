import type { CreateSuggestionRequest } from '../api.js';
import type { Suggestion } from '../entities.js';
import { TandemApiError } from './api-error.js';

/** How a suggestion ended for the agent that made it (DESIGN 7). */
export interface SuggestionDecision {
  /** `answered`/`ignored`: a question's or an interrupt's text answer or dismissal. */
  outcome: 'approved' | 'rejected' | 'changes_requested' | 'expired' | 'withdrawn' | 'answered' | 'ignored';
  /** The approver's note (reject, request changes, or an approval's comment). */
  note: string | null;
  /** The human's text answer (`answered`), else null. */
  response: string | null;
  /** The payload to carry out: the human's edit when `suggestion.edited`, else the agent's own. */
  payload: Record<string, unknown>;
  suggestion: Suggestion;
}

export interface SuggestOptions {
  /** Reused across retries so the server keeps one suggestion; default: a fresh random key per call. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export type SuggestRequest = CreateSuggestionRequest;

/** A suggestion the agent must act on: decided, expired, withdrawn, or sent back with a request for changes. */
export function isSettled(suggestion: Suggestion): boolean {
  return suggestion.status !== 'pending' || suggestion.changesRequested;
}

export function toDecision(suggestion: Suggestion): SuggestionDecision {
  const outcome = suggestion.status === 'pending' ? 'changes_requested' : suggestion.status;
  return {
    outcome,
    note: suggestion.decisionNote,
    response: suggestion.response ?? null,
    payload: suggestion.payload,
    suggestion,
  };
}

/** Worth retrying: the network or the node failed (restart, failover), not the request itself. */
export function isTransient(error: unknown): boolean {
  if (error instanceof TandemApiError) return error.status >= 500 || error.status === 429;
  return !(error instanceof Error && error.name === 'AbortError');
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

/** Retries `attempt` on transient failures with capped exponential backoff (0.25 s .. 5 s). */
export async function withRetries<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await attempt();
    } catch (error) {
      if (signal?.aborted || !isTransient(error)) throw error;
      await delay(wait, signal);
    }
  }
}
