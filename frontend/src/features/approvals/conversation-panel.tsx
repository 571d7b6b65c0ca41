'use client';

import { useState } from 'react';
import type { Decision, HumanInterrupt, Suggestion } from '@tandem/shared';
import { Markdown } from '@/lib/markdown';
import { useDecide } from './decision-panel';

type Mode = 'view' | 'respond' | 'edit';

/** Which answers a question or an interrupt allows (an interrupt: exactly what its config allows). */
export function allowedAnswers(suggestion: Suggestion) {
  if (suggestion.kind === 'question') return { accept: false, edit: false, respond: true, ignore: true };
  const { config } = suggestion.payload as unknown as HumanInterrupt;
  return {
    accept: config.allow_accept,
    edit: config.allow_edit,
    respond: config.allow_respond,
    ignore: config.allow_ignore,
  };
}

export const isConversation = (suggestion: Suggestion) =>
  suggestion.kind === 'question' || suggestion.kind === 'interrupt';

/**
 * A question or a LangGraph interrupt: its text as (safe) markdown, the proposed action, and the answers allowed:
 * Accept, Edit (the action's arguments), Respond (free text), Ignore.
 */
export function ConversationPanel({ suggestion, canDecide }: { suggestion: Suggestion; canDecide: boolean }) {
  const [mode, setMode] = useState<Mode>('view');
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState<string>();
  const { decide: send, message: refusal } = useDecide(suggestion, () => setMode('view'));
  const message = invalid ?? refusal;
  const interrupt = suggestion.kind === 'interrupt' ? (suggestion.payload as unknown as HumanInterrupt) : null;
  const allowed = allowedAnswers(suggestion);
  const open = canDecide && suggestion.status === 'pending';

  const decide = (decision: Decision, extra: { payload?: Record<string, unknown>; response?: string } = {}) => {
    setInvalid(undefined);
    return send(decision, extra);
  };

  const approveEdited = () => {
    try {
      const args = JSON.parse(text) as Record<string, unknown>;
      void decide('approve', { payload: { args } });
    } catch {
      setInvalid('The arguments are not valid JSON.');
    }
  };

  return (
    <div className="conversation stack" data-testid="conversation-panel">
      {interrupt ? (
        <>
          {interrupt.description && <Markdown source={interrupt.description} />}
          <p>
            <strong>Action:</strong> <code>{interrupt.action_request.action}</code>
          </p>
          <pre className="mono small">{JSON.stringify(interrupt.action_request.args, null, 2)}</pre>
        </>
      ) : (
        <Markdown source={typeof suggestion.payload.question === 'string' ? suggestion.payload.question : ''} />
      )}
      {suggestion.response !== null && (
        <p data-testid="conversation-response">
          <strong>Answer:</strong> {suggestion.response}
        </p>
      )}
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      {open && mode === 'view' && (
        <div className="row">
          {allowed.accept && (
            <button type="button" className="primary" onClick={() => void decide('approve')}>
              Accept
            </button>
          )}
          {allowed.edit && interrupt && (
            <button
              type="button"
              onClick={() => {
                setText(JSON.stringify(interrupt.action_request.args, null, 2));
                setMode('edit');
              }}
            >
              Edit
            </button>
          )}
          {allowed.respond && (
            <button
              type="button"
              className={allowed.accept ? undefined : 'primary'}
              onClick={() => {
                setText('');
                setMode('respond');
              }}
            >
              Respond
            </button>
          )}
          {allowed.ignore && (
            <button type="button" onClick={() => void decide('ignore')}>
              Ignore
            </button>
          )}
        </div>
      )}
      {open && mode !== 'view' && (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (mode === 'edit') approveEdited();
            else void decide('respond', { response: text });
          }}
        >
          <textarea
            aria-label={mode === 'edit' ? 'Arguments (JSON)' : 'Your answer'}
            className={mode === 'edit' ? 'mono' : undefined}
            value={text}
            onChange={(event) => setText(event.target.value)}
            required
            rows={mode === 'edit' ? 8 : 3}
            autoFocus
          />
          <div className="row">
            <button type="submit" className="primary">
              {mode === 'edit' ? 'Accept edited' : 'Send answer'}
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
