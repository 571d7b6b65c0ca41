import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { REPLAY_LIMIT, type AuditEntry, type Channel, type EventEnvelope } from '@tandem/shared';
import { entryFromRow, type AuditRow } from '../core/audit.service';
import { channelFilter, channelsOf } from './channel-membership';

export function envelopeOf(entry: AuditEntry, channel: Channel, prev: number): EventEnvelope {
  return {
    seq: entry.seq,
    prev,
    channel,
    type: entry.action,
    at: entry.at,
    actor: entry.actor,
    data: entry.data,
  };
}

export type Replay = { resync: false; head: number; events: EventEnvelope[] } | { resync: true; head: number };

/** Reads channels out of the audit log: the previous event of a channel, its head, and replays. */
@Injectable()
export class EventLog {
  constructor(private readonly orm: MikroORM) {}

  private filter(channel: Channel) {
    const filter = channelFilter(channel);
    if (!filter) throw new Error(`not a channel: ${channel}`);
    return filter;
  }

  /** The seq of the channel's last entry before `seq` (0 when there is none). */
  async prevOf(channel: Channel, seq: number): Promise<number> {
    const { where, params } = this.filter(channel);
    const [row] = await this.orm.em
      .fork()
      .execute<{ seq: string | null }[]>(`select max(seq) as seq from audit_log where ${where} and seq < ?`, [
        ...params,
        seq,
      ]);
    return Number(row?.seq ?? 0);
  }

  async head(channel: Channel): Promise<number> {
    return this.prevOf(channel, Number.MAX_SAFE_INTEGER);
  }

  /** Envelopes for committed entries, in seq order, each on every channel it belongs to, with `prev` filled. */
  async envelopes(entries: AuditEntry[]): Promise<EventEnvelope[]> {
    const sorted = [...entries].sort((a, b) => a.seq - b.seq);
    const last = new Map<Channel, number>();
    const out: EventEnvelope[] = [];
    for (const entry of sorted) {
      for (const channel of channelsOf(entry)) {
        const prev = last.get(channel) ?? (await this.prevOf(channel, entry.seq));
        out.push(envelopeOf(entry, channel, prev));
        last.set(channel, entry.seq);
      }
    }
    return out;
  }

  /**
   * The channel's entries after `since`, in order, or `resync` when more than REPLAY_LIMIT of them exist.
   * `head` is the channel's last seq seen by this read.
   */
  async replay(channel: Channel, since: number, limit = REPLAY_LIMIT): Promise<Replay> {
    const { where, params } = this.filter(channel);
    const em = this.orm.em.fork();
    const rows = await em.execute<AuditRow[]>(
      `select * from audit_log where ${where} and seq > ? order by seq limit ?`,
      [...params, since, limit + 1],
    );
    if (rows.length > limit) return { resync: true, head: await this.head(channel) };
    const entries = rows.map(entryFromRow);
    let prev = entries.length ? await this.prevOf(channel, entries[0].seq) : 0;
    const events = entries.map((entry) => {
      const envelope = envelopeOf(entry, channel, prev);
      prev = entry.seq;
      return envelope;
    });
    const head = events.length ? events[events.length - 1].seq : await this.head(channel);
    return { resync: false, head, events };
  }
}
