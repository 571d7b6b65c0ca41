/** The part of an event envelope that orders it: its seq, and the seq of the channel's event before it. */
export interface Sequenced {
  seq: number;
  prev: number;
}

/**
 * Gap repair, decided without I/O: from the last seq applied on a channel (null: none yet), which of `events` to
 * apply now, in seq order. Duplicates (seq at or below the last applied) are dropped; an event whose `prev` is past
 * the last applied means events are missing, so it and everything after it wait (`gap`: re-subscribe with
 * `since` = the last applied seq, and the server replays what was missed).
 */
export function inOrder<T extends Sequenced>(
  lastSeq: number | null,
  events: readonly T[],
): { ready: T[]; gap: boolean } {
  let last = lastSeq ?? 0;
  const ready: T[] = [];
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (event.seq <= last) continue;
    if (event.prev > last) return { ready, gap: true };
    ready.push(event);
    last = event.seq;
  }
  return { ready, gap: false };
}
