'use client';

import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSWRConfig } from 'swr';
import { TASK_STATUSES, type Task } from '@tandem/shared';
import { errorMessage, getClient, isConflict, wipWarningWords } from '@/lib/client';
import { useConnectionState } from '@/lib/live';
import { usePeople } from '@/lib/directory';
import { Empty, ErrorState, Loading } from '@/lib/states';
import { swrKeys } from '@/lib/swr-keys';
import { useSession } from '@/features/shell/use-session';
import { TaskDrawer } from '@/features/drawer/task-drawer';
import { BoardColumn } from './board-column';
import {
  boardAnnouncements,
  boardCollision,
  keyboardCoordinates,
  parseOver,
  screenReaderInstructions,
} from './board-dnd';
import { BoardFilters, useBoardFilter } from './board-filters';
import { applyPlacement, FILTER_KEYS, groupColumns, matchesFilter, placeDrop, upsertTask } from './board-order';
import { PresenceAvatars } from './presence-avatars';
import { CardFace, type CardNames } from './task-card';
import { useAgents } from '@/lib/directory';
import { useBoard, useWorkflow, workflowIdFromPath } from './use-board';
import { useBoardLive } from './use-board-live';

function useWorkflowId(): string {
  const [id, setId] = useState('');
  useEffect(() => setId(workflowIdFromPath()), []);
  return id;
}

export type DrawerSection = 'suggestions' | undefined;

/** The open task lives in the address bar (`?task=`), so a drawer can be linked to. */
function useOpenTask(): [
  { id: string; section: DrawerSection } | null,
  (taskId: string | null, section?: DrawerSection) => void,
] {
  const [open, setOpen] = useState<{ id: string; section: DrawerSection } | null>(null);
  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get('task');
    if (id) setOpen({ id, section: undefined });
  }, []);
  const change = useCallback((next: string | null, section?: DrawerSection) => {
    const url = new URL(window.location.href);
    if (next) url.searchParams.set('task', next);
    else url.searchParams.delete('task');
    window.history.replaceState(null, '', url);
    setOpen(next ? { id: next, section } : null);
  }, []);
  return [open, change];
}

/** Back to the card that opened the drawer (or its successor in the column), for keyboard users. */
function focusCard(taskId: string): void {
  requestAnimationFrame(() => {
    const card = document.querySelector<HTMLElement>(`[data-card-open="${CSS.escape(taskId)}"]`);
    card?.focus();
  });
}

export function BoardView() {
  const workflowId = useWorkflowId();
  const session = useSession();
  const board = useBoard(workflowId);
  const workflow = useWorkflow(workflowId);
  const agents = useAgents();
  const { mutate } = useSWRConfig();
  const [filter, setFilter] = useBoardFilter();
  const [openTask, setOpenTask] = useOpenTask();
  const people = usePeople();
  const connection = useConnectionState();
  const offline = connection === 'reconnecting' || connection === 'offline';
  const [activeId, setActiveId] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'warning' | 'info'; text: string } | null>(null);
  const movedLive = useBoardLive(workflowId, session.user?.id);
  // While the server is unreachable nothing can be saved: edits are not offered until it is back.
  const canEdit = session.can('member') && !offline;

  // A create or move over a soft WIP limit succeeds, and the server says so in a header: show it.
  useEffect(
    () => getClient().onWarning((warning) => setNotice({ kind: 'warning', text: wipWarningWords(warning) })),
    [],
  );
  const openCard = useCallback(
    (taskId: string, section?: DrawerSection) => setOpenTask(taskId, section),
    [setOpenTask],
  );
  const closeDrawer = useCallback(() => {
    const closing = openTask?.id;
    setOpenTask(null);
    if (closing) focusCard(closing);
  }, [openTask, setOpenTask]);
  // A new card is shown by the board cache; a WIP warning the create caused stays on screen.
  const onCreated = useCallback(() => undefined, []);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates }),
  );

  const tasks = useMemo(() => board.data ?? [], [board.data]);
  const tasksById = useMemo(() => new Map(tasks.map((task) => [task.id, task])), [tasks]);
  const agentsById = useMemo(() => new Map((agents.data ?? []).map((agent) => [agent.id, agent])), [agents.data]);
  const names: CardNames = useMemo(() => ({ agents: agentsById, people: people.byId }), [agentsById, people.byId]);
  const allColumns = useMemo(() => groupColumns(tasks), [tasks]);
  const filtering = FILTER_KEYS.some((key) => filter[key]);
  const visibleColumns = useMemo(
    () => (filtering ? groupColumns(tasks.filter((task) => matchesFilter(task, filter))) : allColumns),
    [tasks, filter, filtering, allColumns],
  );
  const labels = useMemo(() => [...new Set(tasks.flatMap((task) => task.labels))].sort(), [tasks]);
  const announcements = useMemo(() => boardAnnouncements(tasksById), [tasksById]);

  const onDragStart = ({ active }: DragStartEvent) => {
    setActiveId(String(active.id));
    setNotice(null);
  };

  const onDragEnd = async ({ active, over }: DragEndEvent) => {
    setActiveId(null);
    const target = parseOver(over?.id, tasksById);
    const moved = tasksById.get(String(active.id));
    if (!target || !moved) return;
    const placement = placeDrop(tasks, visibleColumns, moved.id, target.status, target.overId);
    if (!placement) return;
    const key = swrKeys.board(workflowId);
    try {
      await mutate(
        key,
        async (current: Task[] | undefined) => {
          const saved = await getClient().moveTask(moved.id, { ...placement, version: moved.version });
          return upsertTask(current, saved);
        },
        { optimisticData: applyPlacement(tasks, moved.id, placement), rollbackOnError: true, revalidate: false },
      );
    } catch (error) {
      // SWR already put the card back; say why, and take the server's current task if it sent one.
      setNotice({ kind: 'error', text: `Move refused: ${errorMessage(error)}` });
      if (isConflict(error) && error.current && typeof error.current === 'object' && 'id' in error.current) {
        await mutate(key, (current: Task[] | undefined) => upsertTask(current, error.current as Task), {
          revalidate: false,
        });
      }
    }
  };

  if (!session.user || !workflowId) return <Loading what="board" />;
  if (workflow.error) return <ErrorState error={workflow.error} retry={() => void workflow.mutate()} />;
  const active = activeId ? tasksById.get(activeId) : undefined;

  return (
    <div className="board-page">
      <header className="board-header">
        <div className="board-title">
          <h1>{workflow.data?.name ?? 'Board'}</h1>
          {workflow.data && <span className={`status-pill wf-${workflow.data.status}`}>{workflow.data.status}</span>}
          {session.can('approver') && (
            <a href={`/workflows/${workflowId}/settings`} className="button small" data-testid="workflow-settings-link">
              Settings
            </a>
          )}
        </div>
        <PresenceAvatars workflowId={workflowId} />
      </header>
      {offline && (
        <p className="notice error offline-banner" role="status" data-testid="offline-banner">
          Tandem can&apos;t be reached right now. Changes are paused until the connection is back; the board will catch
          up by itself.
        </p>
      )}
      <BoardFilters
        filter={filter}
        onChange={setFilter}
        agents={(agents.data ?? []).filter(
          (agent) => workflow.data?.agentIds.includes(agent.id) || agent.id === filter.agentId,
        )}
        people={people.data ?? []}
        labels={labels}
      />
      {notice && (
        <p className={`notice ${notice.kind}`} role="alert" data-testid="board-notice">
          {notice.text}
          <button type="button" className="link-button" onClick={() => setNotice(null)} aria-label="Dismiss">
            ×
          </button>
        </p>
      )}
      {board.error ? (
        <ErrorState error={board.error} retry={() => void board.mutate()} />
      ) : !board.data ? (
        <Loading what="tasks" />
      ) : (
        <>
          {tasks.length === 0 && <Empty>No tasks yet{canEdit ? ': add the first one with “+ Add task”.' : '.'}</Empty>}
          <DndContext
            sensors={sensors}
            collisionDetection={boardCollision}
            accessibility={{ announcements, screenReaderInstructions }}
            onDragStart={onDragStart}
            onDragCancel={() => setActiveId(null)}
            onDragEnd={(event) => void onDragEnd(event)}
          >
            <div className="board" data-testid="board">
              {TASK_STATUSES.map((status) => (
                <BoardColumn
                  key={status}
                  workflowId={workflowId}
                  status={status}
                  tasks={visibleColumns[status]}
                  total={allColumns[status].length}
                  wip={workflow.data?.wipLimits?.[status]}
                  names={names}
                  canDrag={canEdit}
                  canAdd={canEdit}
                  movedLive={movedLive}
                  onOpen={openCard}
                  onCreated={onCreated}
                />
              ))}
            </div>
            <DragOverlay>
              {active ? (
                <div className="task-card overlay">
                  <span className="card-body">
                    <CardFace task={active} names={names} />
                  </span>
                </div>
              ) : null}
            </DragOverlay>
          </DndContext>
        </>
      )}
      {openTask && (
        <TaskDrawer
          key={openTask.id}
          taskId={openTask.id}
          section={openTask.section}
          onClose={closeDrawer}
          canEdit={canEdit}
        />
      )}
    </div>
  );
}
