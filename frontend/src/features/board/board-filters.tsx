'use client';

import { useCallback, useEffect, useState } from 'react';
import { TASK_PRIORITIES, type Agent, type PersonSummary, type TaskPriority } from '@tandem/shared';
import { FILTER_KEYS, type BoardFilter } from './board-order';

function readFilter(): BoardFilter {
  const params = new URLSearchParams(window.location.search);
  const filter: BoardFilter = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) (filter as Record<string, string>)[key] = value;
  }
  return filter;
}

/** The board filter lives in the address bar, so a filtered board can be shared as a link. */
export function useBoardFilter(): [BoardFilter, (filter: BoardFilter) => void] {
  const [filter, setState] = useState<BoardFilter>({});
  useEffect(() => setState(readFilter()), []);
  const setFilter = useCallback((next: BoardFilter) => {
    const url = new URL(window.location.href);
    for (const key of FILTER_KEYS) {
      const value = next[key];
      if (value) url.searchParams.set(key, value);
      else url.searchParams.delete(key);
    }
    window.history.replaceState(null, '', url);
    setState(next);
  }, []);
  return [filter, setFilter];
}

interface FiltersProps {
  filter: BoardFilter;
  onChange: (filter: BoardFilter) => void;
  /** The workflow's agents, by name. */
  agents: Agent[];
  /** People who may be assignees, by name. */
  people: PersonSummary[];
  labels: string[];
}

/** Filters above the board; on a phone they fold into a sheet behind a "Filters" button. */
export function BoardFilters({ filter, onChange, agents, people, labels }: FiltersProps) {
  const set = (patch: Partial<BoardFilter>) => onChange({ ...filter, ...patch });
  const activeCount = FILTER_KEYS.filter((key) => filter[key]).length;
  const active = activeCount > 0;
  const [open, setOpen] = useState(false);
  return (
    <div className="filters-wrap">
      <button
        type="button"
        className="filters-toggle"
        aria-expanded={open}
        aria-controls="board-filters"
        onClick={() => setOpen(!open)}
      >
        Filters{active ? ` (${activeCount})` : ''}
      </button>
      <div className={open ? 'filters open' : 'filters'} role="search" aria-label="Filter tasks" id="board-filters">
        <input
          type="search"
          placeholder="Search tasks"
          aria-label="Search tasks"
          value={filter.text ?? ''}
          onChange={(event) => set({ text: event.target.value || undefined })}
        />
        <select
          aria-label="Priority"
          value={filter.priority ?? ''}
          onChange={(event) => set({ priority: (event.target.value || undefined) as TaskPriority | undefined })}
        >
          <option value="">Any priority</option>
          {TASK_PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {priority}
            </option>
          ))}
        </select>
        <select
          aria-label="Agent"
          value={filter.agentId ?? ''}
          onChange={(event) => set({ agentId: event.target.value || undefined })}
        >
          <option value="">Any agent</option>
          {agents.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.name}
            </option>
          ))}
        </select>
        <select
          aria-label="Label"
          value={filter.label ?? ''}
          onChange={(event) => set({ label: event.target.value || undefined })}
        >
          <option value="">Any label</option>
          {labels.map((label) => (
            <option key={label} value={label}>
              {label}
            </option>
          ))}
        </select>
        <select
          aria-label="Assignee"
          value={filter.assigneeUserId ?? ''}
          onChange={(event) => set({ assigneeUserId: event.target.value || undefined })}
        >
          <option value="">Anyone assigned</option>
          {people
            .filter((person) => !person.disabled || person.id === filter.assigneeUserId)
            .map((person) => (
              <option key={person.id} value={person.id}>
                {person.name}
              </option>
            ))}
        </select>
        {active && (
          <button type="button" className="link-button" onClick={() => onChange({})}>
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}
