'use client';

import { useState } from 'react';
import { errorMessage, getClient } from '@/lib/client';
import { formatTime } from '@/lib/format';
import { swrKeys } from '@/lib/swr-keys';
import { useApi } from '@/lib/use-api';

/** Where this account is signed in; any session but this one can be ended here. */
export function SessionsList() {
  const { data: sessions, mutate } = useApi(swrKeys.sessions(), () => getClient().listSessions());
  const [error, setError] = useState<string>();
  const act = async (work: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(errorMessage(caught));
    }
    await mutate();
  };
  const others = sessions?.filter((session) => !session.current).length ?? 0;
  return (
    <section className="card" aria-labelledby="sessions-heading" data-testid="sessions">
      <h2 id="sessions-heading">Sessions</h2>
      <ul className="sessions">
        {sessions?.map((session) => (
          <li key={session.id} data-testid="session" data-current={session.current}>
            <span>
              {session.userAgent ?? 'unknown browser'} · {session.ip ?? 'unknown address'} · since{' '}
              {formatTime(session.createdAt)}
            </span>
            {session.current ? (
              <strong> (this session)</strong>
            ) : (
              <button
                type="button"
                className="link-button"
                onClick={() => void act(() => getClient().revokeSession(session.id))}
              >
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" disabled={others === 0} onClick={() => void act(() => getClient().revokeOtherSessions())}>
        Sign out the others
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
