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
import { errorMessage, getClient, isConflict } from '@/lib/client';
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
import { NewTaskForm } from './new-task-form';
import { PresenceAvatars } from './presence-avatars';
import { CardFace } from './task-card';
import { useAgents, useBoard, useWorkflow, workflowIdFromPath } from './use-board';
import { useBoardLive } from './use-board-live';

function useWorkflowId(): string {
  const [id, setId] = useState('');
  useEffect(() => setId(workflowIdFromPath()), []);
  return id;
}

function useOpenTask(): [string | null, (taskId: string | null) => void] {
  const [taskId, setTaskId] = useState<string | null>(null);
  useEffect(() => setTaskId(new URLSearchParams(window.location.search).get('task')), []);
  const open = useCallback((next: string | null) => {
    const url = new URL(window.location.href);
    if (next) url.searchParams.set('task', next);
    else url.searchParams.delete('task');
    window.history.replaceState(null, '', url);
    setTaskId(next);
  }, []);
  return [taskId, open];
}

export function BoardView() {
  const workflowId = useWorkflowId();
  const session = useSession();
  const board = useBoard(workflowId);
  const workflow = useWorkflow(workflowId);
  const agents = useAgents();
  const { mutate } = useSWRConfig();
  const [filter, setFilter] = useBoardFilter();
  const [openTaskId, openTask] = useOpenTask();
  const [activeId, setActiveId] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'warning' | 'info'; text: string } | null>(null);
  const movedLive = useBoardLive(workflowId, session.user?.id);
  const canEdit = session.can('member');

  // A create or move over a soft WIP limit succeeds, and the server says so in a header: show it.
  useEffect(() => getClient().onWarning((warning) => setNotice({ kind: 'warning', text: `Warning: ${warning}` })), []);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates }),
  );

  const tasks = useMemo(() => board.data ?? [], [board.data]);
  const tasksById = useMemo(() => new Map(tasks.map((task) => [task.id, task])), [tasks]);
  const agentsById = useMemo(() => new Map((agents.data ?? []).map((agent) => [agent.id, agent])), [agents.data]);
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
        </div>
        <PresenceAvatars workflowId={workflowId} />
      </header>
      <BoardFilters filter={filter} onChange={setFilter} agents={agents.data ?? []} labels={labels} />
      {canEdit && <NewTaskForm workflowId={workflowId} />}
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
          {tasks.length === 0 && <Empty>No tasks yet{canEdit ? ': add the first one above.' : '.'}</Empty>}
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
                  status={status}
                  tasks={visibleColumns[status]}
                  total={allColumns[status].length}
                  wip={workflow.data?.wipLimits?.[status]}
                  agents={agentsById}
                  canDrag={canEdit}
                  movedLive={movedLive}
                  onOpen={openTask}
                />
              ))}
            </div>
            <DragOverlay>
              {active ? (
                <div className="task-card overlay">
                  <span className="card-body">
                    <CardFace task={active} agents={agentsById} />
                  </span>
                </div>
              ) : null}
            </DragOverlay>
          </DndContext>
        </>
      )}
      {openTaskId && <TaskDrawer taskId={openTaskId} onClose={() => openTask(null)} />}
    </div>
  );
}
