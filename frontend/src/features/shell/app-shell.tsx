'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { useSWRConfig } from 'swr';
import type { Role } from '@tandem/shared';
import { getClient } from '@/lib/client';
import { ConnectionIndicator } from '@/lib/live';
import { NotificationBell } from '@/features/notifications/notification-bell';
import { ThemeToggle } from '@/lib/theme';
import { useSession } from './use-session';

/**
 * The main navigation. Pages other features add (account, webhooks, ...) go in this list; each item shows to
 * the roles that may use it, so a viewer never sees an admin page's link.
 */
export const NAV: { href: string; label: string; role: Role }[] = [
  { href: '/', label: 'Dashboard', role: 'viewer' },
  { href: '/approvals', label: 'Approvals', role: 'viewer' },
  { href: '/agents', label: 'Agents', role: 'viewer' },
  { href: '/people', label: 'People', role: 'admin' },
  { href: '/audit', label: 'Audit', role: 'admin' },
  { href: '/webhooks', label: 'Webhooks', role: 'admin' },
];

/** The frame of every signed-in page: skip link, navigation, connection state, who is signed in. */
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
      <a href="#main" className="skip-link">
        Skip to content
      </a>
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
          <ThemeToggle />
          <Link href="/account" className="who" title={`${session.user.email}: account and security`}>
            {session.user.name} <span className="role">{session.user.role}</span>
          </Link>
          <button type="button" className="link-button" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} className={wide ? 'main wide' : 'main'}>
        {children}
      </main>
    </div>
  );
}
