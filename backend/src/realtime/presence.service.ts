import { Logger } from '@nestjs/common';
import {
  workflowChannel,
  type AgentStatus,
  type EphemeralEvent,
  type PresenceChanged,
  type Viewer,
} from '@tandem/shared';
import type { PresenceStore } from './presence-store';

/** How often a node refreshes its connections' presence, and how long an unrefreshed entry lives. */
export const PRESENCE_HEARTBEAT_MS = 4000;
export const PRESENCE_TTL_MS = 12_000;

/**
 * How long after a board's viewers changed here its presence is pushed, with every other change made meanwhile: a
 * wave of joins (a node's clients reconnecting) then reads and pushes each board's list about once per window
 * instead of once per join (each read is the whole list). A newcomer still gets the list read after its own join.
 */
export const PRESENCE_PUSH_DELAY_MS = 100;

/** How often a node persists `agents.last_seen` for its connected agents (one UPDATE per node, not per agent). */
export const LAST_SEEN_EVERY_MS = 30_000;

type LiveStatus = Exclude<AgentStatus, 'offline'>;
/** With several connections an agent shows its most active one: busy over online over idle. */
const STATUS_WEIGHT: Record<LiveStatus, number> = { busy: 3, online: 2, idle: 1 };

/**
 * Ephemeral state (DESIGN 5, not audited): who views each board, and each agent's status from its live
 * connections on any node. Each node writes its own connections into the shared store with a TTL and
 * refreshes them on a heartbeat; whichever node notices a change pushes it (`presence.changed` on
 * `workflow:<id>`, `agent.status` on `agents`). A node that dies stops refreshing, so its entries expire and
 * the next heartbeat of a surviving node pushes the change.
 */
export class PresenceService {
  private readonly logger = new Logger('Presence');
  private readonly views = new Map<string, { viewer: Viewer; workflowIds: Set<string> }>();
  private readonly agentConnections = new Map<string, { agentId: string; status: LiveStatus }>();
  private readonly pushedViewers = new Map<string, string>();
  private pushedStatuses = new Map<string, AgentStatus>();
  /** Boards whose viewers changed on this node since the last push (see PRESENCE_PUSH_DELAY_MS). */
  private readonly changedBoards = new Set<string>();
  private pushTimer: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Set by the gateway: how to broadcast, and which channels have subscribers on this node. */
  publish: (event: EphemeralEvent) => void = () => undefined;
  localChannels: () => string[] = () => [];
  /** Set by AgentPresenceLink: persists "last seen now" for these agents (cheap, unaudited: DESIGN 5). */
  touchAgents: (agentIds: string[]) => Promise<void> = () => Promise.resolve();
  private lastTouched = 0;

  constructor(
    private readonly store: PresenceStore,
    private readonly prefix: string,
    readonly nodeId: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.heartbeat(), PRESENCE_HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Takes this node's connections out of the store at once, rather than letting them expire. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const keys = [...new Set([...this.views.keys(), ...this.agentConnections.keys()])];
    await Promise.allSettled(keys.map((key) => this.disconnected(key)));
    await this.pushChangedBoards();
  }

  private boardKey(workflowId: string) {
    return `${this.prefix}:presence:board:${workflowId}`;
  }
  private get agentsKey() {
    return `${this.prefix}:presence:agents`;
  }
  private viewMember(socketKey: string, viewer: Viewer) {
    return JSON.stringify([socketKey, viewer.type, viewer.id, viewer.name]);
  }
  private agentMember(socketKey: string, agentId: string, status: LiveStatus) {
    return JSON.stringify([socketKey, agentId, status]);
  }

  async joinBoard(socketKey: string, viewer: Viewer, workflowId: string): Promise<void> {
    const view = this.views.get(socketKey) ?? { viewer, workflowIds: new Set<string>() };
    view.workflowIds.add(workflowId);
    this.views.set(socketKey, view);
    await this.guard(() =>
      this.store.put(this.boardKey(workflowId), this.viewMember(socketKey, viewer), PRESENCE_TTL_MS),
    );
    this.boardChanged(workflowId);
  }

  async leaveBoard(socketKey: string, workflowId: string): Promise<void> {
    const view = this.views.get(socketKey);
    if (!view?.workflowIds.delete(workflowId)) return;
    if (view.workflowIds.size === 0) this.views.delete(socketKey);
    await this.guard(() => this.store.remove(this.boardKey(workflowId), this.viewMember(socketKey, view.viewer)));
    this.boardChanged(workflowId);
  }

  /** Pushes the board's presence once PRESENCE_PUSH_DELAY_MS have passed, with every other change made meanwhile. */
  private boardChanged(workflowId: string): void {
    this.changedBoards.add(workflowId);
    this.pushTimer ??= setTimeout(() => void this.pushChangedBoards(), PRESENCE_PUSH_DELAY_MS).unref();
  }

  private async pushChangedBoards(): Promise<void> {
    clearTimeout(this.pushTimer);
    this.pushTimer = undefined;
    const boards = [...this.changedBoards];
    this.changedBoards.clear();
    await this.guard(async () => {
      for (const workflowId of boards) await this.pushViewers(workflowId);
    });
  }

  async agentConnected(socketKey: string, agentId: string, status: LiveStatus = 'online'): Promise<void> {
    const previous = this.agentConnections.get(socketKey);
    this.agentConnections.set(socketKey, { agentId, status });
    if (!previous) void this.touch([agentId]); // not awaited: status reaches the others first
    await this.guard(async () => {
      if (previous) await this.store.remove(this.agentsKey, this.agentMember(socketKey, agentId, previous.status));
      await this.store.put(this.agentsKey, this.agentMember(socketKey, agentId, status), PRESENCE_TTL_MS);
      await this.pushStatuses();
    });
  }

  async disconnected(socketKey: string): Promise<void> {
    const view = this.views.get(socketKey);
    for (const workflowId of view?.workflowIds ?? []) await this.leaveBoard(socketKey, workflowId);
    const agent = this.agentConnections.get(socketKey);
    if (!agent) return;
    this.agentConnections.delete(socketKey);
    void this.touch([agent.agentId]);
    await this.guard(async () => {
      await this.store.remove(this.agentsKey, this.agentMember(socketKey, agent.agentId, agent.status));
      await this.pushStatuses();
    });
  }

  async viewers(workflowId: string): Promise<Viewer[]> {
    const byId = new Map<string, Viewer>();
    for (const member of await this.store.members(this.boardKey(workflowId))) {
      const [, type, id, name] = JSON.parse(member) as [string, Viewer['type'], string, string];
      byId.set(`${type}:${id}`, { type, id, name });
    }
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** Live status of every agent with a connection somewhere; agents not in the map are offline. */
  async agentStatuses(): Promise<Map<string, AgentStatus>> {
    try {
      return this.statusesOf((await this.store.members(this.agentsKey)).map((m) => JSON.parse(m) as string[]));
    } catch {
      // Redis is down: this node still knows its own connections.
      return this.statusesOf(
        [...this.agentConnections].map(([socketKey, { agentId, status }]) => [socketKey, agentId, status]),
      );
    }
  }

  private statusesOf(members: string[][]): Map<string, AgentStatus> {
    const statuses = new Map<string, AgentStatus>();
    for (const [, agentId, status] of members) {
      const current = statuses.get(agentId) as LiveStatus | undefined;
      if (!current || STATUS_WEIGHT[status as LiveStatus] > STATUS_WEIGHT[current]) {
        statuses.set(agentId, status as AgentStatus);
      }
    }
    return statuses;
  }

  /** Presence of one board now: sent to a new subscriber, and pushed when it changed. */
  async boardPresence(workflowId: string): Promise<PresenceChanged> {
    return { workflowId, viewers: await this.viewers(workflowId) };
  }

  private async pushViewers(workflowId: string): Promise<void> {
    const presence = await this.boardPresence(workflowId);
    const serialized = JSON.stringify(presence.viewers);
    if (this.pushedViewers.get(workflowId) === serialized) return;
    this.pushedViewers.set(workflowId, serialized);
    const at = new Date().toISOString();
    this.publish({ channel: workflowChannel(workflowId), type: 'presence.changed', at, data: presence });
  }

  private async pushStatuses(): Promise<void> {
    const statuses = await this.store
      .members(this.agentsKey)
      .then((members) => this.statusesOf(members.map((m) => JSON.parse(m) as string[])));
    const at = new Date().toISOString();
    for (const agentId of new Set([...statuses.keys(), ...this.pushedStatuses.keys()])) {
      const status = statuses.get(agentId) ?? 'offline';
      if ((this.pushedStatuses.get(agentId) ?? 'offline') !== status) {
        this.publish({ channel: 'agents', type: 'agent.status', at, data: { agentId, status } });
      }
    }
    this.pushedStatuses = statuses;
  }

  private async touch(agentIds: string[]): Promise<void> {
    try {
      await this.touchAgents([...new Set(agentIds)]);
    } catch (error) {
      this.logger.debug(`last seen not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Refreshes this node's entries, then pushes what changed elsewhere (e.g. a crashed node's viewers). */
  private async heartbeat(): Promise<void> {
    if (this.agentConnections.size && Date.now() - this.lastTouched >= LAST_SEEN_EVERY_MS) {
      this.lastTouched = Date.now();
      void this.touch([...this.agentConnections.values()].map((connection) => connection.agentId));
    }
    await this.guard(async () => {
      for (const [socketKey, { viewer, workflowIds }] of this.views) {
        for (const workflowId of workflowIds) {
          await this.store.put(this.boardKey(workflowId), this.viewMember(socketKey, viewer), PRESENCE_TTL_MS);
        }
      }
      for (const [socketKey, { agentId, status }] of this.agentConnections) {
        await this.store.put(this.agentsKey, this.agentMember(socketKey, agentId, status), PRESENCE_TTL_MS);
      }
      for (const channel of this.localChannels()) {
        if (channel.startsWith('workflow:')) await this.pushViewers(channel.slice('workflow:'.length));
        if (channel === 'agents') await this.pushStatuses();
      }
    });
  }

  /** Presence is best effort: with Redis down it pauses, and the next heartbeat after Redis returns repairs it. */
  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.debug(`presence update skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
