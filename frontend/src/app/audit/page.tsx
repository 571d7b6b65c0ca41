'use client';

import { AuditPage } from '@/features/audit/audit-page';
import { AppShell } from '@/features/shell/app-shell';

export default function Audit() {
  return (
    <AppShell wide>
      <AuditPage />
    </AppShell>
  );
}
