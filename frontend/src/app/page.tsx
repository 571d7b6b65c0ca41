'use client';

import { Dashboard } from '@/features/dashboard/dashboard';
import { AppShell } from '@/features/shell/app-shell';

export default function HomePage() {
  return (
    <AppShell>
      <Dashboard />
    </AppShell>
  );
}
