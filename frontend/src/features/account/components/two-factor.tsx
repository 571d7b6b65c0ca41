'use client';

import { useState, type FormEvent } from 'react';
import { useSWRConfig } from 'swr';
import type { MfaSetupResponse } from '@tandem/shared';
import { errorMessage, getClient } from '@/lib/client';
import { swrKeys } from '@/lib/swr-keys';
import { field } from '@/lib/use-api';
import { useSession } from '@/features/shell/use-session';

/**
 * Enrolment in three steps: a QR code (and its secret, for apps that cannot scan), a code that proves the app
 * has it, then the recovery codes, shown this once. Removal needs the password.
 */
export function TwoFactor() {
  const { user } = useSession();
  const { mutate } = useSWRConfig();
  const [setup, setSetup] = useState<MfaSetupResponse>();
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const mustEnrol = typeof window !== 'undefined' && new URLSearchParams(window.location.search).has('enrol');

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const start = () => run(async () => setSetup(await getClient().setupMfa()));
  const confirm = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = field(new FormData(event.currentTarget), 'code').replace(/\s+/g, '');
    void run(async () => {
      const result = await getClient().enableMfa(code);
      setSetup(undefined);
      setRecoveryCodes(result.recoveryCodes);
      await mutate(swrKeys.me());
    });
  };
  const remove = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = field(new FormData(event.currentTarget), 'password');
    void run(async () => {
      await getClient().disableMfa({ password });
      setRecoveryCodes(undefined);
      await mutate(swrKeys.me());
    });
  };

  return (
    <section className="card" aria-labelledby="mfa-heading" data-testid="mfa-section">
      <h2 id="mfa-heading">Two-factor sign-in</h2>
      {mustEnrol && !user?.mfaEnabled && (
        <p className="notice" role="status">
          Admins must turn on two-factor sign-in before anything else.
        </p>
      )}
      {recoveryCodes && (
        <div data-testid="recovery-codes">
          <p>
            Two-factor sign-in is on. Keep these recovery codes somewhere safe: each signs you in once if you lose your
            device. <strong>They are shown only now.</strong>
          </p>
          <ul className="recovery-codes">
            {recoveryCodes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {user?.mfaEnabled && !recoveryCodes && (
        <form className="stack" onSubmit={remove}>
          <p data-testid="mfa-state">Two-factor sign-in is on.</p>
          <label>
            Password (to turn it off)
            <input name="password" type="password" autoComplete="current-password" required />
          </label>
          <button type="submit" disabled={busy}>
            Turn off two-factor sign-in
          </button>
        </form>
      )}
      {!user?.mfaEnabled && !setup && (
        <>
          <p data-testid="mfa-state">Two-factor sign-in is off.</p>
          <button type="button" className="primary" onClick={() => void start()} disabled={busy}>
            Set up two-factor sign-in
          </button>
        </>
      )}
      {setup && (
        <form className="stack" onSubmit={confirm} data-testid="mfa-setup">
          <p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
          <img src={setup.qrCode} alt="QR code for your authenticator app" width={200} height={200} />
          <p className="muted">
            Or enter this key by hand: <code data-testid="mfa-secret">{setup.secret}</code>
          </p>
          <label>
            Code
            <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,8}" required />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Turn on
          </button>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
