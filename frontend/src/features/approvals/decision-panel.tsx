'use client';

import { useEffect, useRef, useState } from 'react';
import { useSWRConfig } from 'swr';
import type { Decision, Suggestion } from '@tandem/shared';
import { errorMessage, getClient, isConflict } from '@/lib/client';
import { swrKeys } from '@/lib/swr-keys';
import { applyQueueEvent } from './use-queue';
import { PayloadForm } from './payload-form';

export type DecisionMode = 'view' | 'reject' | 'request_changes' | 'edit';

/** Sends one decision for the revision the approver saw; a 409 (decided meanwhile) says by whom. */
export function useDecide(suggestion: Suggestion, onDecided?: (decided: Suggestion) => void) {
  const { mutate } = useSWRConfig();
  const [message, setMessage] = useState<string>();
  useEffect(() => setMessage(undefined), [suggestion.id]);
  const decide = async (
    decision: Decision,
    extra: { note?: string; payload?: Record<string, unknown>; response?: string } = {},
  ) => {
    setMessage(undefined);
    try {
      const decided = await getClient().decideSuggestion(suggestion.id, {
        decision,
        revision: suggestion.revision,
        ...extra,
      });
      await mutate(swrKeys.queue(), (queue: Suggestion[] | undefined) => applyQueueEvent(queue, decided), {
        revalidate: false,
      });
      if (suggestion.taskId) void mutate(swrKeys.taskSuggestions(suggestion.taskId));
      onDecided?.(decided);
      return true;
    } catch (error) {
      const current = isConflict(error) ? (error.current as Suggestion | undefined) : undefined;
      if (current?.decidedByName) setMessage(`Already ${current.status} by ${current.decidedByName}.`);
      else setMessage(errorMessage(error));
      if (current) {
        await mutate(swrKeys.queue(), (queue: Suggestion[] | undefined) => applyQueueEvent(queue, current), {
          revalidate: false,
        });
      }
      return false;
    }
  };
  return { decide, message };
}

/**
 * The approve / reject / request changes / edit-then-approve controls of one suggestion, used by the queue and
 * the task drawer. `onApprove` lets the queue delay a plain approve for its undo window.
 */
export function DecisionPanel({
  suggestion,
  mode,
  setMode,
  onApprove,
  onDecided,
  keys = false,
}: {
  suggestion: Suggestion;
  mode: DecisionMode;
  setMode: (mode: DecisionMode) => void;
  onApprove?: () => void;
  onDecided?: (decided: Suggestion) => void;
  /** Show the single-key hints (the queue handles the keys). */
  keys?: boolean;
}) {
  const { decide, message } = useDecide(suggestion, onDecided);
  const [note, setNote] = useState('');
  const [edited, setEdited] = useState<Record<string, unknown> | null>(suggestion.payload);
  const first = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setNote('');
    setEdited(suggestion.payload);
  }, [suggestion.id, suggestion.revision, suggestion.payload]);
  useEffect(() => {
    if (mode === 'reject' || mode === 'request_changes') first.current?.focus();
  }, [mode]);
  const kbd = (key: string) => (keys ? <kbd>{key}</kbd> : null);
  return (
    <div className="decision" data-testid="decision-panel">
      {message && (
        <p className="error" role="alert" data-testid="decision-message">
          {message}
        </p>
      )}
      {mode === 'view' && (
        <div className="row">
          <button type="button" className="primary" onClick={() => (onApprove ? onApprove() : void decide('approve'))}>
            Approve {kbd('a')}
          </button>
          <button type="button" onClick={() => setMode('reject')}>
            Reject {kbd('r')}
          </button>
          <button type="button" onClick={() => setMode('edit')}>
            Edit then approve {kbd('e')}
          </button>
          <button type="button" onClick={() => setMode('request_changes')}>
            Request changes {kbd('c')}
          </button>
        </div>
      )}
      {(mode === 'reject' || mode === 'request_changes') && (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void decide(mode, { note }).then((ok) => ok && setMode('view'));
          }}
        >
          <label className="stack">
            {mode === 'reject' ? 'Note for the agent (optional)' : 'What should change'}
            <textarea
              ref={first}
              value={note}
              onChange={(event) => setNote(event.target.value)}
              required={mode === 'request_changes'}
              rows={3}
            />
          </label>
          <div className="row">
            <button type="submit" className="primary">
              {mode === 'reject' ? 'Reject' : 'Request changes'}
            </button>
            <button type="button" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {mode === 'edit' && (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (edited) void decide('approve', { payload: edited }).then((ok) => ok && setMode('view'));
          }}
        >
          <PayloadForm key={`${suggestion.id}:${suggestion.revision}`} suggestion={suggestion} onChange={setEdited} />
          <div className="row">
            <button type="submit" className="primary" disabled={!edited}>
              Approve edited
            </button>
            <button type="button" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
