'use client';

import type { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { isUnauthorized } from '@/lib/client';

/** SWR defaults: live data comes from the socket, so no refetch on focus; never retry a 401. */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <SWRConfig
      value={{
        revalidateOnFocus: false,
        shouldRetryOnError: (error: unknown) => !isUnauthorized(error),
        errorRetryCount: 3,
      }}
    >
      {children}
    </SWRConfig>
  );
}
