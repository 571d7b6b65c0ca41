import { Logger } from '@nestjs/common';
import type { AuditEntry, Channel, EventEnvelope } from '@tandem/shared';
import { channelsOf } from './channel-membership';
import { envelopeOf, type EventLog } from './event-log.service';

/** What travels between nodes: the part of a committed audit entry that its events are made of. */
export type StreamEntry = Pick<
  AuditEntry,
  'seq' | 'at' | 'action' | 'actor' | 'outcome' | 'workflowId' | 'entityType' | 'entityId' | 'data'
>;

export function streamEntryOf(entry: AuditEntry): StreamEntry {
  const { seq, at, action, actor, outcome, workflowId, entityType, entityId, data } = entry;
  return { seq, at, action, actor, outcome, workflowId, entityType, entityId, data };
}

/** A gap this long is not looked up entry by entry: every channel head is read again from the log instead. */
const LONG_GAP = 10_000;

/**
 * This node's view of the audit log as one ordered stream. Entries arrive from this node's commits and, through
 * Redis, from the other nodes', in no particular order; `seq` is global and gap-free, so the stream holds an
 * entry until every lower seq has arrived and then turns entries into envelopes strictly in seq order. Every
 * node therefore computes the same `prev` for each channel from its own memory (one log query per channel the
 * first time it is seen, none per commit), and never drops an event for arriving out of order.
 *
 * An entry that does not arrive within `waitMs` (its node died between commit and publish, or Redis lost it) is
 * a real loss: the stream reads which channels the missing seqs were on, so the next `prev` names them, and
 * moves on; subscribers repair the gap by replaying with `since`.
 */
export class EventStream {
  private readonly logger = new Logger('EventStream');
  /** The next seq to deliver; 0 until `start` read the log's head. */
  private next = 0;
  private readonly held = new Map<number, StreamEntry>();
  /** Channel → its last seq at the stream's position (`next - 1`). */
  private readonly heads = new Map<Channel, number>();
  private pumping = false;
  private gapTimer: NodeJS.Timeout | null = null;
  private gapTimerFor = 0;
  private gapExpiredFor = 0;
  private started: Promise<void> | null = null;

  constructor(
    private readonly log: EventLog,
    private readonly deliver: (envelopes: EventEnvelope[]) => void,
    private readonly waitMs: number,
  ) {}

  /** Starts after the log's current head: earlier entries had no subscriber on this node. */
  start(): Promise<void> {
    this.started ??= this.log.lastSeq().then((head) => {
      this.next = head + 1;
      for (const seq of this.held.keys()) if (seq < this.next) this.held.delete(seq);
      void this.pump();
    });
    return this.started;
  }

  stop(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.held.clear();
  }

  /** The last seq this stream delivered (0 before it started). */
  get position(): number {
    return Math.max(0, this.next - 1);
  }

  push(entries: StreamEntry[]): void {
    for (const entry of entries) if (this.next === 0 || entry.seq >= this.next) this.held.set(entry.seq, entry);
    void this.pump();
  }

  /**
   * The channel's head at the stream's position: the `prev` of the next event this node will deliver on it.
   * A subscriber that starts from it and then gets the live events misses nothing and gets nothing twice.
   */
  async head(channel: Channel): Promise<number> {
    await this.start();
    const known = this.heads.get(channel);
    if (known !== undefined) return known;
    const position = this.next;
    const head = await this.log.prevOf(channel, position);
    // Cached only if no entry was delivered meanwhile (a delivered one would have set or moved the head).
    if (position === this.next && !this.heads.has(channel)) this.heads.set(channel, head);
    return this.heads.get(channel) ?? head;
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.next === 0) return;
    this.pumping = true;
    try {
      for (;;) {
        if (!this.held.has(this.next) && this.held.size && this.gapExpiredFor === this.next) {
          // A failed read of the gap is retried after another wait.
          if (
            !(await this.skipGap().then(
              () => true,
              (error: unknown) => this.gapFailed(error),
            ))
          )
            break;
        }
        if (!this.held.has(this.next)) break;
        const run: StreamEntry[] = [];
        for (let entry = this.held.get(this.next); entry; entry = this.held.get(this.next)) {
          run.push(entry);
          this.held.delete(this.next);
          this.next += 1;
        }
        try {
          this.deliver(await this.envelopes(run));
        } catch (error) {
          // The heads of these entries' channels may now be unknown: they are read again on next use.
          for (const entry of run) for (const channel of channelsOf(entry)) this.heads.delete(channel);
          this.logger.error(`delivery of seq ${run[0].seq}..${run[run.length - 1].seq} failed: ${String(error)}`);
        }
      }
    } finally {
      this.pumping = false;
      this.armGapTimer();
    }
  }

  private async envelopes(entries: StreamEntry[]): Promise<EventEnvelope[]> {
    const out: EventEnvelope[] = [];
    for (const entry of entries) {
      for (const channel of channelsOf(entry)) {
        const prev = this.heads.get(channel) ?? (await this.log.prevOf(channel, entry.seq));
        out.push(envelopeOf(entry, channel, prev));
        this.heads.set(channel, entry.seq);
      }
    }
    return out;
  }

  /** Waits `waitMs` for a missing seq before calling it lost; the wait restarts for each new gap. */
  private armGapTimer(): void {
    if (this.held.size === 0 || this.held.has(this.next)) {
      if (this.gapTimer) clearTimeout(this.gapTimer);
      this.gapTimer = null;
      return;
    }
    if (this.gapTimer && this.gapTimerFor === this.next) return;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimerFor = this.next;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      this.gapExpiredFor = this.gapTimerFor;
      void this.pump();
    }, this.waitMs);
    this.gapTimer.unref();
  }

  private gapFailed(error: unknown): false {
    this.gapExpiredFor = 0;
    this.logger.error(`reading the gap before seq ${Math.min(...this.held.keys())} failed: ${String(error)}`);
    return false;
  }

  /** Moves past lost entries, keeping each channel's head true so that the next `prev` names what was lost. */
  private async skipGap(): Promise<void> {
    const until = Math.min(...this.held.keys());
    if (until - this.next > LONG_GAP) {
      this.heads.clear();
    } else {
      for (const lost of await this.log.channelsBetween(this.next, until)) {
        for (const channel of channelsOf(lost)) if (this.heads.has(channel)) this.heads.set(channel, lost.seq);
      }
    }
    this.logger.warn(`seq ${this.next}..${until - 1} did not arrive within ${this.waitMs} ms: delivered as lost`);
    this.next = until;
  }
}
