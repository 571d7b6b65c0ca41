import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { REPLAY_LIMIT, type AuditEntry, type Channel, type EventEnvelope } from '@tandem/shared';
import { entryFromRow, type AuditRow } from '../core/audit.service';
import { agentViewFilter, channelFilter } from './channel-membership';

export function envelopeOf(
  entry: Pick<AuditEntry, 'seq' | 'action' | 'at' | 'actor' | 'data'>,
  channel: Channel,
  prev: number,
): EventEnvelope {
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

  /** With `agentId`: the channel as that agent sees it (`agentSees`), for its replays and `prev`. */
  private filter(channel: Channel, agentId?: string) {
    const filter = channelFilter(channel);
    if (!filter) throw new Error(`not a channel: ${channel}`);
    if (!agentId) return filter;
    const view = agentViewFilter(agentId);
    return { where: `(${filter.where}) and ${view.where}`, params: [...filter.params, ...view.params] };
  }

  /** The seq of the channel's last entry before `seq` (0 when there is none). */
  async prevOf(channel: Channel, seq: number, agentId?: string): Promise<number> {
    const { where, params } = this.filter(channel, agentId);
    const [row] = await this.orm.em
      .fork()
      .execute<{ seq: string | null }[]>(`select max(seq) as seq from audit_log where ${where} and seq < ?`, [
        ...params,
        seq,
      ]);
    return Number(row?.seq ?? 0);
  }

  async head(channel: Channel, agentId?: string): Promise<number> {
    return this.prevOf(channel, Number.MAX_SAFE_INTEGER, agentId);
  }

  /** The log's last seq (0 when empty). */
  async lastSeq(): Promise<number> {
    const [row] = await this.orm.em.fork().execute<{ seq: string | null }[]>('select max(seq) as seq from audit_log');
    return Number(row?.seq ?? 0);
  }

  /** What decides the channels of the entries with `from <= seq < to` (for entries lost on their way here). */
  async channelsBetween(
    from: number,
    to: number,
  ): Promise<Array<Pick<AuditEntry, 'seq' | 'outcome' | 'workflowId' | 'entityType' | 'entityId'>>> {
    const rows = await this.orm.em
      .fork()
      .execute<Pick<AuditRow, 'seq' | 'outcome' | 'workflow_id' | 'entity_type' | 'entity_id'>[]>(
        'select seq, outcome, workflow_id, entity_type, entity_id from audit_log where seq >= ? and seq < ? order by seq',
        [from, to],
      );
    return rows.map((row) => ({
      seq: Number(row.seq),
      outcome: row.outcome,
      workflowId: row.workflow_id,
      entityType: row.entity_type,
      entityId: row.entity_id,
    }));
  }

  /**
   * The channel's entries after `since`, in order, or `resync` when more than REPLAY_LIMIT of them exist.
   * `head` is the channel's last seq seen by this read. With `agentId`, the channel as that agent sees it: `prev`
   * and `head` skip what it may not see, so its client finds no gap where nothing was meant for it.
   */
  async replay(channel: Channel, since: number, agentId?: string, limit = REPLAY_LIMIT): Promise<Replay> {
    const { where, params } = this.filter(channel, agentId);
    const em = this.orm.em.fork();
    const rows = await em.execute<AuditRow[]>(
      `select * from audit_log where ${where} and seq > ? order by seq limit ?`,
      [...params, since, limit + 1],
    );
    if (rows.length > limit) return { resync: true, head: await this.head(channel, agentId) };
    const entries = rows.map(entryFromRow);
    let prev = entries.length ? await this.prevOf(channel, entries[0].seq, agentId) : 0;
    const events = entries.map((entry) => {
      const envelope = envelopeOf(entry, channel, prev);
      prev = entry.seq;
      return envelope;
    });
    const head = events.length ? events[events.length - 1].seq : await this.head(channel, agentId);
    return { resync: false, head, events };
  }
}
