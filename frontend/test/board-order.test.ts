import type { AuditAction, EventEnvelope, Task, TaskStatus } from '@tandem/shared';
import { parseOver } from '@/features/board/board-dnd';
import {
  applyPlacement,
  applyTaskEvent,
  groupColumns,
  matchesFilter,
  placeDrop,
  removeTask,
  sortBoard,
  upsertTask,
  type Columns,
} from '@/features/board/board-order';

function task(id: string, status: TaskStatus, rank: string, extra: Partial<Task> = {}): Task {
  return {
    id,
    workflowId: 'wf',
    title: `Task ${id}`,
    description: '',
    status,
    rank,
    priority: 'medium',
    dueDate: null,
    agentId: null,
    assigneeUserId: null,
    labels: [],
    startedAt: null,
    completedAt: null,
    durationSeconds: null,
    claimedBy: null,
    claimExpiresAt: null,
    createdBy: null,
    updatedBy: null,
    pendingSuggestions: 0,
    commentCount: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...extra,
  };
}

const ids = (tasks: Task[]) => tasks.map((each) => each.id);
const event = (type: AuditAction, data: Task): EventEnvelope => ({
  seq: 2,
  prev: 1,
  channel: 'workflow:wf',
  type,
  at: '2026-01-01T00:00:00.000Z',
  actor: { type: 'human', id: 'u1', name: 'Someone' },
  data,
});

describe('board order', () => {
  it('sorts by column, then by rank in code-unit order (not locale order)', () => {
    const board = sortBoard([
      task('review-1', 'review', 'a0'),
      task('lower', 'pending', 'a'),
      task('upper', 'pending', 'Z'),
      task('digit', 'pending', '9'),
      task('in-progress', 'in_progress', '0'),
    ]);
    // '9' < 'Z' < 'a' in code units; a locale compare would put 'a' before 'Z'.
    expect(ids(board)).toEqual(['digit', 'upper', 'lower', 'in-progress', 'review-1']);
  });

  it('groups into every status column, empty ones included, keeping the given order', () => {
    const columns = groupColumns([task('b', 'pending', 'b'), task('x', 'failed', 'a'), task('a', 'pending', 'a')]);
    expect(Object.keys(columns)).toEqual(['pending', 'in_progress', 'review', 'completed', 'failed']);
    expect(ids(columns.pending)).toEqual(['b', 'a']);
    expect(columns.review).toEqual([]);
    expect(ids(columns.failed)).toEqual(['x']);
  });
});

describe('socket events applied to the board cache', () => {
  const board = sortBoard([task('a', 'pending', 'a'), task('b', 'pending', 'b'), task('c', 'review', 'a')]);

  it('adds a created task at its rank', () => {
    const next = applyTaskEvent(board, event('task.created', task('new', 'pending', 'aV')));
    expect(ids(next)).toEqual(['a', 'new', 'b', 'c']);
  });

  it('moves a task to its new column and rank', () => {
    const next = applyTaskEvent(board, event('task.moved', task('a', 'review', 'b', { version: 2 })));
    expect(ids(next)).toEqual(['b', 'c', 'a']);
    expect(next.find((each) => each.id === 'a')?.status).toBe('review');
  });

  it('replaces an updated task in place', () => {
    const next = applyTaskEvent(board, event('task.updated', task('b', 'pending', 'b', { title: 'New', version: 2 })));
    expect(ids(next)).toEqual(['a', 'b', 'c']);
    expect(next[1].title).toBe('New');
  });

  it('removes a deleted task', () => {
    expect(ids(applyTaskEvent(board, event('task.deleted', task('b', 'pending', 'b', { version: 2 }))))).toEqual([
      'a',
      'c',
    ]);
    expect(removeTask(undefined, 'b')).toEqual([]);
  });

  it('ignores a late event older than what the cache holds', () => {
    const newer = upsertTask(board, task('a', 'review', 'z', { version: 5 }));
    const next = applyTaskEvent(newer, event('task.moved', task('a', 'pending', 'a', { version: 4 })));
    expect(next).toBe(newer);
  });

  it('starts a board from an event when nothing is cached yet', () => {
    expect(ids(applyTaskEvent(undefined, event('task.created', task('x', 'pending', 'a'))))).toEqual(['x']);
  });
});

describe('filters', () => {
  const labelled = task('l', 'pending', 'a', {
    title: 'Ship the Release',
    labels: ['ops'],
    priority: 'high',
    agentId: 'agent-1',
  });

  it('matches every given criterion, text case-insensitively in title or description', () => {
    expect(matchesFilter(labelled, {})).toBe(true);
    expect(matchesFilter(labelled, { text: 'release', label: 'ops', priority: 'high', agentId: 'agent-1' })).toBe(true);
    expect(matchesFilter(task('d', 'pending', 'a', { description: 'about RELEASES' }), { text: 'release' })).toBe(true);
    expect(matchesFilter(labelled, { label: 'dev' })).toBe(false);
    expect(matchesFilter(labelled, { priority: 'low' })).toBe(false);
    expect(matchesFilter(labelled, { agentId: 'agent-2' })).toBe(false);
    expect(matchesFilter(labelled, { assigneeUserId: 'u1' })).toBe(false);
  });
});

describe('placing a drop among hidden (filtered-out) cards', () => {
  // Pending: v1 h1 h2 v2 h3 v3 (v = visible under the filter, h = hidden); review: r1(hidden) rv(visible).
  const board = sortBoard([
    task('v1', 'pending', 'a', { labels: ['x'] }),
    task('h1', 'pending', 'b'),
    task('h2', 'pending', 'c'),
    task('v2', 'pending', 'd', { labels: ['x'] }),
    task('h3', 'pending', 'e'),
    task('v3', 'pending', 'f', { labels: ['x'] }),
    task('r1', 'review', 'a'),
    task('rv', 'review', 'b', { labels: ['x'] }),
  ]);
  const visible: Columns = groupColumns(board.filter((each) => matchesFilter(each, { label: 'x' })));

  it('dropping a card up onto a visible card puts it right before that card, after the hidden ones above', () => {
    expect(placeDrop(board, visible, 'v3', 'pending', 'v2')).toEqual({
      status: 'pending',
      beforeId: 'h2',
      afterId: 'v2',
    });
  });

  it('dropping a card down onto a visible card puts it right after that card, before the hidden ones below', () => {
    expect(placeDrop(board, visible, 'v1', 'pending', 'v2')).toEqual({
      status: 'pending',
      beforeId: 'v2',
      afterId: 'h3',
    });
  });

  it("dropping on a column's empty space goes right after its last visible card", () => {
    expect(placeDrop(board, visible, 'v1', 'review', null)).toEqual({
      status: 'review',
      beforeId: 'rv',
      afterId: null,
    });
  });

  it('from another column, dropping onto a visible card goes before it', () => {
    expect(placeDrop(board, visible, 'rv', 'pending', 'v2')).toEqual({
      status: 'pending',
      beforeId: 'h2',
      afterId: 'v2',
    });
  });

  it('into a column with no visible card, a drop goes at the very end', () => {
    const onlyPendingVisible: Columns = { ...visible, review: [] };
    expect(placeDrop(board, onlyPendingVisible, 'v1', 'review', null)).toEqual({
      status: 'review',
      beforeId: 'rv',
      afterId: null,
    });
  });

  it('answers null for a drop that changes nothing (onto itself, or back into its own slot)', () => {
    expect(placeDrop(board, visible, 'v2', 'pending', 'v2')).toBeNull();
    expect(placeDrop(board, visible, 'v3', 'pending', null)).toBeNull();
    expect(placeDrop(board, visible, 'gone', 'pending', null)).toBeNull();
  });

  it('shows the optimistic board with the card between the neighbours the server is sent', () => {
    const placement = placeDrop(board, visible, 'v3', 'pending', 'v2');
    if (!placement) throw new Error('expected a placement');
    const next = applyPlacement(board, 'v3', placement);
    expect(ids(next)).toEqual(['v1', 'h1', 'h2', 'v3', 'v2', 'h3', 'r1', 'rv']);
    const across = applyPlacement(board, 'v1', { status: 'review', beforeId: 'r1', afterId: 'rv' });
    expect(ids(groupColumns(across).review)).toEqual(['r1', 'v1', 'rv']);
    expect(across.find((each) => each.id === 'v1')?.status).toBe('review');
  });
});

describe('drop targets', () => {
  it('reads a card or a column end from a droppable id', () => {
    const byId = new Map([['t1', task('t1', 'review', 'a')]]);
    expect(parseOver('card:t1', byId)).toEqual({ status: 'review', overId: 't1' });
    expect(parseOver('column:failed', byId)).toEqual({ status: 'failed', overId: null });
    expect(parseOver('card:unknown', byId)).toBeNull();
    expect(parseOver(undefined, byId)).toBeNull();
  });
});
