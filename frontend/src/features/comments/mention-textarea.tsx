'use client';

import { useRef, useState, type KeyboardEvent } from 'react';
import type { MentionCandidate } from '@tandem/shared';
import { getClient } from '@/lib/client';
import { useApi } from '@/lib/use-api';
import { swrKeys } from '@/lib/swr-keys';
import { activeMention, insertMention } from './mention-text';

/**
 * A textarea that completes `@name`: typing `@Ad` offers the people whose name or handle starts with it, and
 * picking one (click, Enter or Tab) inserts their handle, `@ada`.
 */
export function MentionTextarea({
  value,
  onChange,
  label,
  placeholder,
  rows,
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  placeholder?: string;
  rows?: number;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const mention = activeMention(value, caret);
  const open = mention !== null && dismissed !== mention.start;
  const candidates = useApi(open ? swrKeys.mentionCandidates(mention.query.toLowerCase()) : null, () =>
    getClient().mentionCandidates(mention?.query ?? ''),
  );
  const options: MentionCandidate[] = open ? (candidates.data?.items ?? []) : [];
  const selected = Math.min(active, Math.max(0, options.length - 1));

  const pick = (candidate: MentionCandidate) => {
    if (!mention) return;
    const next = insertMention(value, mention.start, caret, candidate.handle);
    onChange(next.text);
    setCaret(next.caret);
    setActive(0);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(next.caret, next.caret);
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!options.length) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((selected + step + options.length) % options.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      pick(options[selected]);
    } else if (event.key === 'Escape') {
      setDismissed(mention?.start ?? null);
    } else {
      return;
    }
    event.preventDefault();
  };
  const track = () => setCaret(area.current?.selectionStart ?? 0);

  return (
    <div className="mention-editor">
      <textarea
        ref={area}
        aria-label={label}
        aria-autocomplete="list"
        // No aria-expanded: a textarea is a textbox, which does not take it (axe: aria-allowed-attr).
        aria-controls={options.length ? 'mention-options' : undefined}
        placeholder={placeholder}
        value={value}
        rows={rows}
        onChange={(event) => {
          onChange(event.target.value);
          setCaret(event.target.selectionStart);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onKeyUp={track}
        onClick={track}
        onBlur={() => setDismissed(mention?.start ?? null)}
        onFocus={() => setDismissed(null)}
      />
      {options.length > 0 && (
        <ul className="mention-options" id="mention-options" role="listbox" aria-label="People to mention">
          {options.map((option, index) => (
            <li
              key={option.id}
              role="option"
              aria-selected={index === selected}
              data-testid="mention-option"
              onMouseDown={(event) => {
                event.preventDefault(); // keep the textarea's focus and caret
                pick(option);
              }}
            >
              {option.name} <span className="muted small">@{option.handle}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
