'use client';

import { AgentsPage } from '@/features/agents/agents-page';
import { AppShell } from '@/features/shell/app-shell';

export default function Agents() {
  return (
    <AppShell>
      <AgentsPage />
    </AppShell>
  );
}
