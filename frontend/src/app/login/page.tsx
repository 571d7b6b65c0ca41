'use client';

import { useState, type FormEvent } from 'react';
import type { LoginResponse } from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { field } from '@/lib/use-api';

/** Only same-site paths are followed after login (no open redirect through `?next=`). */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Where to go once signed in: an admin who must enrol in two-factor goes to the Account page first. */
function destination(result: LoginResponse): string {
  return result.mfaEnrollmentRequired ? '/account?enrol=1' : nextPath();
}

export default function LoginPage() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  /** Set once the password was right and the account has two-factor on: the second step asks for a code. */
  const [challenge, setChallenge] = useState<string>();
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(async () => {
      const result = await getClient().login({ email: field(form, 'email'), password: field(form, 'password') });
      if ('mfaRequired' in result) {
        setChallenge(result.challenge);
        setBusy(false);
        return;
      }
      window.location.assign(destination(result));
    });
  };
  const submitCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(async () => {
      const result = await getClient().completeMfa({ challenge: challenge ?? '', code: field(form, 'code').trim() });
      window.location.assign(destination(result));
    });
  };
  if (challenge) {
    return (
      <main className="login">
        <form className="card login-form" onSubmit={submitCode} data-testid="mfa-form">
          <h1>Tandem</h1>
          <p className="muted">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
          <label>
            Code
            <input
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9a-zA-Z \-]{6,20}"
              required
              autoFocus
            />
          </label>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Verify'}
          </button>
          <button type="button" className="link-button" onClick={() => setChallenge(undefined)}>
            Start over
          </button>
        </form>
      </main>
    );
  }
  return (
    <main className="login">
      <form className="card login-form" onSubmit={submit}>
        <h1>Tandem</h1>
        <p className="muted">Sign in to steer your agents.</p>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
