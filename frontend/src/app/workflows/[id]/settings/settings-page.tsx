'use client';

import { WorkflowSettings } from '@/features/settings/workflow-settings';
import { AppShell } from '@/features/shell/app-shell';

export function SettingsPage() {
  return (
    <AppShell>
      <WorkflowSettings />
    </AppShell>
  );
}
