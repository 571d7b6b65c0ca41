'use client';

import { useState, type FormEvent } from 'react';
import { useSWRConfig } from 'swr';
import { errorMessage, getClient } from '@/lib/client';
import { swrKeys } from '@/lib/swr-keys';
import { field } from '@/lib/use-api';

/** Needs the current password; the server ends every other session (they are listed below, and refresh). */
export function ChangePassword() {
  const { mutate } = useSWRConfig();
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    if (field(form, 'next') !== field(form, 'confirm')) {
      setStatus({ ok: false, text: 'The new passwords do not match.' });
      return;
    }
    setBusy(true);
    try {
      await getClient().changePassword({ current: field(form, 'current'), next: field(form, 'next') });
      formElement.reset();
      setStatus({ ok: true, text: 'Password changed. Your other sessions were signed out.' });
      await mutate(swrKeys.sessions());
    } catch (caught) {
      setStatus({ ok: false, text: errorMessage(caught) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form className="stack" onSubmit={(event) => void submit(event)} data-testid="password-form">
        <label>
          Current password
          <input name="current" type="password" autoComplete="current-password" required />
        </label>
        <label>
          New password <span className="muted">(at least 12 characters, not a common one)</span>
          <input name="next" type="password" autoComplete="new-password" minLength={12} required />
        </label>
        <label>
          New password again
          <input name="confirm" type="password" autoComplete="new-password" minLength={12} required />
        </label>
        {status && (
          <p className={status.ok ? 'notice' : 'error'} role={status.ok ? 'status' : 'alert'}>
            {status.text}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Change password
        </button>
      </form>
    </section>
  );
}
