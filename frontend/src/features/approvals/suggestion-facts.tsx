'use client';

import { useEffect, useState } from 'react';
import type { Suggestion } from '@tandem/shared';

/** "expires in 12 min" / "expired"; null without a time limit. Re-rendered every 30 s by `useNow`. */
export function timeLeft(expiresAt: string | null, now: number): string | null {
  if (!expiresAt) return null;
  const seconds = Math.round((new Date(expiresAt).getTime() - now) / 1000);
  if (seconds <= 0) return 'expiring now';
  if (seconds < 90) return `expires in ${seconds} s`;
  if (seconds < 90 * 60) return `expires in ${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `expires in ${Math.round(seconds / 3600)} h`;
  return `expires in ${Math.round(seconds / 86_400)} days`;
}

export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Where a suggestion stands in its review loop, for its badge. */
export function reviewState(suggestion: Suggestion): { label: string; className: string } | null {
  if (suggestion.changesRequested) return { label: 'Sent back: waiting for a revision', className: 'sent-back' };
  if (suggestion.revision > 1) return { label: `Revised (revision ${suggestion.revision})`, className: 'revised' };
  return null;
}

const show = (value: unknown) =>
  value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

/** What changed since the previous revision: action, reasoning, confidence and each payload field. */
export function RevisionChanges({ suggestion }: { suggestion: Suggestion }) {
  const revisions = [...suggestion.revisions].sort((a, b) => a.revision - b.revision);
  const current = revisions.at(-1);
  const previous = revisions.at(-2);
  if (!current || !previous) return null;
  const rows: [string, unknown, unknown][] = [];
  if (previous.action !== current.action) rows.push(['Action', previous.action, current.action]);
  if (previous.reasoning !== current.reasoning) rows.push(['Reasoning', previous.reasoning, current.reasoning]);
  if (previous.confidence !== current.confidence)
    rows.push(['Confidence', `${Math.round(previous.confidence * 100)}%`, `${Math.round(current.confidence * 100)}%`]);
  for (const key of new Set([...Object.keys(previous.payload), ...Object.keys(current.payload)])) {
    if (JSON.stringify(previous.payload[key]) !== JSON.stringify(current.payload[key])) {
      rows.push([key, previous.payload[key], current.payload[key]]);
    }
  }
  return (
    <section className="revision-changes" data-testid="revision-changes" aria-label="Changed since the last revision">
      <h3>
        Changed since revision {previous.revision}
        {current.requestNote ? ` (you asked: “${current.requestNote}”)` : ''}
      </h3>
      {rows.length === 0 ? (
        <p className="muted">Nothing changed.</p>
      ) : (
        <table className="diff">
          <thead>
            <tr>
              <th>Field</th>
              <th>Before</th>
              <th>Now</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([field, before, after]) => (
              <tr key={field} className="changed">
                <td>{field}</td>
                <td className="before">{show(before)}</td>
                <td className="after">{show(after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
