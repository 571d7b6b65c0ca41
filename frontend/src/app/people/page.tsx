'use client';

import { PeoplePage } from '@/features/people/people-page';
import { AppShell } from '@/features/shell/app-shell';

export default function People() {
  return (
    <AppShell>
      <PeoplePage />
    </AppShell>
  );
}
