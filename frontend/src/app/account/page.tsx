'use client';

import { AccountPage } from '@/features/account/components/account-page';
import { AppShell } from '@/features/shell/app-shell';

export default function Account() {
  return (
    <AppShell>
      <AccountPage />
    </AppShell>
  );
}
