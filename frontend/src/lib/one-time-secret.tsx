'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A secret the server answers once (an agent's API key, a one-time password): shown with a copy button until
 * dismissed; after that only its hash exists. Focus moves here so a keyboard or screen-reader user finds it.
 */
export function OneTimeSecret({
  children,
  secret,
  onClose,
  testId,
}: {
  children: ReactNode;
  secret: string;
  onClose: () => void;
  testId: string;
}) {
  const [copied, setCopied] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => panel.current?.focus(), [secret]);
  const copy = async () => {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };
  return (
    <div className="card key-panel" role="status" tabIndex={-1} ref={panel} data-testid={`${testId}-panel`}>
      <p>{children} Copy it now: it is shown only once.</p>
      <code className="api-key" data-testid={testId}>
        {secret}
      </code>
      <div className="row">
        <button type="button" onClick={() => void copy().catch(() => setCopied(false))}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}

/** A button that asks "sure?" in place (no browser dialog) before it acts. */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  danger = false,
  disabled = false,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  danger?: boolean;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button
        type="button"
        className={danger ? 'danger' : undefined}
        onClick={() => setAsking(true)}
        disabled={disabled}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="small">{question}</span>
      <button
        type="button"
        ref={yes}
        className={danger ? 'danger' : 'primary'}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
