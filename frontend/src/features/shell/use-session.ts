'use client';

import { useEffect } from 'react';
import { roleAtLeast, type Role, type User } from '@tandem/shared';
import { getClient, isUnauthorized } from '@/lib/client';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';

export interface Session {
  user: User | undefined;
  loading: boolean;
  /** True when the signed-in user has at least this role. */
  can: (role: Role) => boolean;
}

/** The signed-in person; an unauthenticated visit is sent to the login page (and back afterwards). */
export function useSession(): Session {
  const { data, error, isLoading } = useApi(swrKeys.me(), () => getClient().me());
  const unauthorized = isUnauthorized(error) || data?.type === 'agent';
  useEffect(() => {
    if (!unauthorized) return;
    const next = window.location.pathname + window.location.search;
    window.location.replace(`/login?next=${encodeURIComponent(next)}`);
  }, [unauthorized]);
  const user = data?.type === 'human' ? data.user : undefined;
  return { user, loading: isLoading, can: (role) => !!user && roleAtLeast(user.role, role) };
}
