'use client';

import { useEffect } from 'react';
import { BoardView } from '@/features/board/board-view';
import { preloadBoard, workflowIdFromPath } from '@/features/board/use-board';
import { AppShell } from '@/features/shell/app-shell';

export function BoardPage() {
  // The shell renders the board only once the session is known; its data need not wait for that.
  useEffect(() => preloadBoard(workflowIdFromPath()), []);
  return (
    <AppShell wide>
      <BoardView />
    </AppShell>
  );
}
