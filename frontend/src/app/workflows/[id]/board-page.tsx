'use client';

import { BoardView } from '@/features/board/board-view';
import { AppShell } from '@/features/shell/app-shell';

export function BoardPage() {
  return (
    <AppShell wide>
      <BoardView />
    </AppShell>
  );
}
