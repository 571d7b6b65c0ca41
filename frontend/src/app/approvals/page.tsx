'use client';

import { ApprovalQueue } from '@/features/approvals/approval-queue';
import { AppShell } from '@/features/shell/app-shell';

export default function ApprovalsPage() {
  return (
    <AppShell>
      <ApprovalQueue />
    </AppShell>
  );
}
