import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Agent, AgentWithKey, Page } from '@tandem/shared';
import { AppError } from '../../common/app-error';
import { applyPatch, creationChanges } from '../../common/changes';
import type { Caller, RequestMeta } from '../../common/caller';
import { DEFAULT_PAGE_SIZE, toPage, type PageQueryDto } from '../../common/paging';
import { WritePath } from '../../core/write-path.service';
import { AgentPresencePort } from './agent-presence.port';
import { AgentTaskStatsPort, type AgentTaskStats } from './agent-task-stats.port';
import { AGENT_KEY_PREFIX, newSecret, sha256Hex } from '../../common/secrets';
import type { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';
import { AgentEntity } from './entities/agent.entity';

function toAgent(entity: AgentEntity, stats: AgentTaskStats | undefined): Agent {
  const finished = (stats?.completed ?? 0) + (stats?.failed ?? 0);
  return {
    id: entity.id,
    name: entity.name,
    description: entity.description,
    capabilities: entity.capabilities,
    status: entity.revokedAt ? 'offline' : entity.status,
    lastSeen: entity.lastSeen?.toISOString() ?? null,
    totalTasks: stats?.total ?? 0,
    failedTasks: stats?.failed ?? 0,
    successRate: finished ? (stats?.completed ?? 0) / finished : null,
    revoked: entity.revokedAt !== null,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
    version: entity.version,
  };
}

@Injectable()
export class AgentsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    /** Live status comes from connections on every node (DESIGN 3), not from the row. */
    private readonly presence: AgentPresencePort,
    private readonly taskStats: AgentTaskStatsPort,
  ) {}

  /** An agent row, for modules that need one (they never query the agents table themselves). */
  find(em: EntityManager, id: string): Promise<AgentEntity | null> {
    return em.findOne(AgentEntity, { id });
  }

  /** How many of these ids are registered agents. */
  count(em: EntityManager, ids: string[]): Promise<number> {
    return em.count(AgentEntity, { id: { $in: ids } });
  }

  /** The unrevoked agent holding this API key (by hash), and if `id` is given, only that agent. */
  async findByKey(em: EntityManager, apiKeyHash: string, id?: string): Promise<{ id: string; name: string } | null> {
    // Plain SQL: it runs on every agent request (see UsersService.principal).
    const [row] = await em.execute<Array<{ id: string; name: string }>>(
      `select id, name from agents where api_key_hash = ? and revoked_at is null${id ? ' and id = ?' : ''}`,
      id ? [apiKeyHash, id] : [apiKeyHash],
    );
    return row ?? null;
  }

  /** Persists "seen now" (on connect, disconnect and a slow heartbeat): not a change of the agent, not audited. */
  async touchLastSeen(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.orm.em.fork().execute(`update agents set last_seen = now() where id in (?)`, [ids]);
  }

  /** Task counts per agent, from the tasks module (none without it). */
  private async stats(em: EntityManager, ids: string[]): Promise<Map<string, AgentTaskStats>> {
    if (ids.length === 0) return new Map();
    return (await this.taskStats.current?.countsByAgent(em, ids)) ?? new Map();
  }

  async serialize(em: EntityManager, agents: AgentEntity[]): Promise<Agent[]> {
    const stats = await this.stats(
      em,
      agents.map((agent) => agent.id),
    );
    const live = (await this.presence.current?.agentStatuses()) ?? null;
    return agents.map((agent) => {
      const serialized = toAgent(agent, stats.get(agent.id));
      return live && !serialized.revoked ? { ...serialized, status: live.get(agent.id) ?? 'offline' } : serialized;
    });
  }

  /**
   * The agent as `GET /api/agents/:id` shows it (task counts, success rate, live status), for an event's data:
   * clients replace their copy with it, so a bare row would reset those to 0 and offline.
   */
  private async afterChange(em: EntityManager, agent: AgentEntity): Promise<() => Agent> {
    const stats = (await this.stats(em, [agent.id])).get(agent.id);
    const statuses = await this.presence.current?.agentStatuses();
    const live = statuses ? (statuses.get(agent.id) ?? 'offline') : undefined;
    // Built after the flush (WritePath resolves drafts then), so version and updatedAt are the committed ones.
    return () => {
      const serialized = toAgent(agent, stats);
      return live && !serialized.revoked ? { ...serialized, status: live } : serialized;
    };
  }

  async list(query: PageQueryDto): Promise<Page<Agent>> {
    const em = this.orm.em.fork();
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await em.find(AgentEntity, query.cursor ? { id: { $gt: query.cursor } } : {}, {
      orderBy: { id: 'asc' },
      limit: limit + 1,
    });
    return toPage(await this.serialize(em, rows), limit, (agent) => agent.id);
  }

  async get(id: string): Promise<Agent> {
    const em = this.orm.em.fork();
    const agent = await em.findOne(AgentEntity, { id });
    if (!agent) throw AppError.notFound('agent', id);
    const [serialized] = await this.serialize(em, [agent]);
    return serialized;
  }

  async register(caller: Caller, meta: RequestMeta, dto: CreateAgentDto): Promise<AgentWithKey> {
    const apiKey = newSecret(AGENT_KEY_PREFIX);
    const agent = await this.writes.run(caller, meta, async (tx) => {
      const created = tx.em.create(AgentEntity, {
        name: dto.name,
        description: dto.description ?? '',
        capabilities: dto.capabilities ?? [],
        apiKeyHash: sha256Hex(apiKey),
      });
      tx.record(() => ({
        action: 'agent.registered',
        entityType: 'agent',
        entityId: created.id,
        changes: creationChanges(created, ['name', 'description', 'capabilities']),
        data: toAgent(created, undefined), // new: no tasks yet, and offline until it connects
      }));
      return created;
    });
    return { agent: toAgent(agent, undefined), apiKey };
  }

  async update(caller: Caller, meta: RequestMeta, id: string, dto: UpdateAgentDto): Promise<Agent> {
    await this.writes.run(caller, meta, async (tx) => {
      const agent = await tx.lock(AgentEntity, id, 'agent');
      if (dto.version !== undefined && dto.version !== agent.version) {
        throw AppError.versionConflict('agent', (await this.serialize(tx.em, [agent]))[0]);
      }
      const changes = applyPatch(agent, {
        name: dto.name,
        description: dto.description,
        capabilities: dto.capabilities,
      });
      if (Object.keys(changes).length) {
        const data = await this.afterChange(tx.em, agent);
        tx.record(() => ({ action: 'agent.updated', entityType: 'agent', entityId: id, changes, data: data() }));
      }
    });
    return this.get(id);
  }

  async rotateKey(caller: Caller, meta: RequestMeta, id: string): Promise<AgentWithKey> {
    const apiKey = newSecret(AGENT_KEY_PREFIX);
    await this.writes.run(caller, meta, async (tx) => {
      const agent = await tx.lock(AgentEntity, id, 'agent');
      agent.apiKeyHash = sha256Hex(apiKey);
      const wasRevoked = agent.revokedAt !== null;
      agent.revokedAt = null;
      const data = await this.afterChange(tx.em, agent);
      tx.record(() => ({
        action: 'agent.key_rotated',
        entityType: 'agent',
        entityId: id,
        changes: { apiKey: ['(old key)', '(new key)'], ...(wasRevoked ? { revoked: [true, false] } : {}) },
        data: data(),
      }));
    });
    return { agent: await this.get(id), apiKey };
  }

  /** DELETE revokes: the key stops working at once; the agent stays for the audit trail. */
  async revoke(caller: Caller, meta: RequestMeta, id: string): Promise<Agent> {
    await this.writes.run(caller, meta, async (tx) => {
      const agent = await tx.lock(AgentEntity, id, 'agent');
      if (agent.revokedAt) return;
      agent.apiKeyHash = null;
      agent.revokedAt = new Date();
      agent.status = 'offline';
      const data = await this.afterChange(tx.em, agent);
      tx.record(() => ({
        action: 'agent.revoked',
        entityType: 'agent',
        entityId: id,
        changes: { revoked: [false, true] },
        data: data(),
      }));
    });
    return this.get(id);
  }
}
