'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { useSWRConfig } from 'swr';
import { getClient } from '@/lib/client';
import { ConnectionIndicator } from '@/lib/live';
import { NotificationBell } from '@/features/notifications/notification-bell';
import { useSession } from './use-session';

const NAV = [
  { href: '/', label: 'Dashboard', role: 'viewer' },
  { href: '/approvals', label: 'Approvals', role: 'viewer' },
  { href: '/agents', label: 'Agents', role: 'viewer' },
  { href: '/audit', label: 'Audit', role: 'admin' },
] as const;

/** The frame of every signed-in page: navigation, connection state, who is signed in. */
export function AppShell({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  const session = useSession();
  const pathname = usePathname();
  const { mutate } = useSWRConfig();
  if (!session.user) {
    return (
      <div className="center-state" role="status">
        Loading…
      </div>
    );
  }
  const logout = async () => {
    try {
      await getClient().logout();
    } finally {
      await mutate(() => true, undefined, { revalidate: false });
      window.location.assign('/login');
    }
  };
  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/" className="brand">
          Tandem
        </Link>
        <nav aria-label="Main">
          {NAV.filter((item) => session.can(item.role)).map((item) => (
            <Link key={item.href} href={item.href} aria-current={pathname === item.href ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <ConnectionIndicator />
          <NotificationBell />
          <span className="who" title={session.user.email}>
            {session.user.name} <span className="role">{session.user.role}</span>
          </span>
          <button type="button" className="link-button" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <main className={wide ? 'main wide' : 'main'}>{children}</main>
    </div>
  );
}
