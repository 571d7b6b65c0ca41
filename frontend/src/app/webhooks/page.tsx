'use client';

import { AppShell } from '@/features/shell/app-shell';
import { WebhooksPage } from '@/features/webhooks/webhooks-page';

export default function Webhooks() {
  return (
    <AppShell>
      <WebhooksPage />
    </AppShell>
  );
}
