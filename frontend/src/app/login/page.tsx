'use client';

import { useState, type FormEvent } from 'react';
import { errorMessage, getClient } from '@/lib/client';
import { field } from '@/lib/use-api';

/** Only same-site paths are followed after login (no open redirect through `?next=`). */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await getClient().login({ email: field(form, 'email'), password: field(form, 'password') });
      window.location.assign(nextPath());
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="card login-form" onSubmit={(event) => void submit(event)}>
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
