import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { LoginResponse } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { SYSTEM, type Caller, type RequestMeta } from '../../common/caller';
import { loadConfig } from '../../config';
import { AgentEntity } from '../agents/entities/agent.entity';
import { AuditService } from '../../core/audit.service';
import { WritePath } from '../../core/write-path.service';
import { UserEntity } from '../users/entities/user.entity';
import { toUser } from '../users/user.mapper';
import type { LoginDto } from './dto/login.dto';
import { SessionEntity } from './entities/session.entity';
import { AGENT_KEY_PREFIX, newSecret, SESSION_TOKEN_PREFIX, sha256Hex, verifyPassword } from './secrets';

@Injectable()
export class AuthService {
  private readonly sessionTtlMs = loadConfig().sessionTtlHours * 3_600_000;

  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly audit: AuditService,
  ) {}

  async login(dto: LoginDto, meta: RequestMeta): Promise<LoginResponse> {
    const em = this.orm.em.fork();
    const user = await em.findOne(UserEntity, { email: dto.email.trim().toLowerCase() });
    const valid = user && !user.disabled && (await verifyPassword(dto.password, user.passwordHash));
    if (!user || !valid) {
      await this.audit.record(SYSTEM, meta, {
        action: 'auth.login_failed',
        entityType: 'session',
        entityId: null,
        outcome: 'denied',
        context: { email: dto.email.trim().toLowerCase(), reason: user?.disabled ? 'disabled' : 'bad_credentials' },
      });
      throw new AppError(ErrorCode.Unauthorized, 'Wrong email or password');
    }
    const caller: Caller = { type: 'human', id: user.id, name: user.name, role: user.role, sessionId: null };
    const token = newSecret(SESSION_TOKEN_PREFIX);
    await this.writes.run(caller, meta, async (tx) => {
      const session = tx.em.create(SessionEntity, {
        tokenHash: sha256Hex(token),
        userId: user.id,
        expiresAt: new Date(Date.now() + this.sessionTtlMs),
      });
      tx.record({ action: 'auth.login', entityType: 'session', entityId: session.id });
    });
    return { token, user: toUser(user) };
  }

  async logout(caller: Caller, meta: RequestMeta): Promise<void> {
    if (caller.type !== 'human' || !caller.sessionId) return;
    const sessionId = caller.sessionId;
    await this.writes.run(caller, meta, async (tx) => {
      await tx.em.nativeDelete(SessionEntity, { id: sessionId });
      tx.record({ action: 'auth.logout', entityType: 'session', entityId: sessionId });
    });
  }

  /** Who holds this token: a session token of an enabled user, or an agent's unrevoked API key. */
  async resolve(token: string): Promise<Caller | null> {
    const em = this.orm.em.fork();
    const hash = sha256Hex(token);
    if (token.startsWith(AGENT_KEY_PREFIX)) {
      const agent = await em.findOne(AgentEntity, { apiKeyHash: hash, revokedAt: null });
      return agent ? { type: 'agent', id: agent.id, name: agent.name, keyHash: hash } : null;
    }
    const session = await em.findOne(SessionEntity, { tokenHash: hash, expiresAt: { $gt: new Date() } });
    return session ? this.sessionHolder(em, session) : null;
  }

  /**
   * The same credential read again from the database, for connections that outlive the request that opened
   * them (sockets, long-polls): the caller as it is now (its role may have changed), or null when the session
   * ended (logout, password change, expiry), the user was disabled, or the agent's key was revoked or rotated.
   */
  async refresh(caller: Caller): Promise<Caller | null> {
    const em = this.orm.em.fork();
    switch (caller.type) {
      case 'system':
        return caller;
      case 'agent': {
        if (!caller.keyHash) return null;
        const agent = await em.findOne(AgentEntity, { id: caller.id, apiKeyHash: caller.keyHash, revokedAt: null });
        return agent ? { type: 'agent', id: agent.id, name: agent.name, keyHash: caller.keyHash } : null;
      }
      case 'human': {
        if (!caller.sessionId) return null;
        const session = await em.findOne(SessionEntity, { id: caller.sessionId, expiresAt: { $gt: new Date() } });
        return session?.userId === caller.id ? this.sessionHolder(em, session) : null;
      }
    }
  }

  private async sessionHolder(em: EntityManager, session: SessionEntity): Promise<Caller | null> {
    const user = await em.findOne(UserEntity, { id: session.userId, disabled: false });
    return user ? { type: 'human', id: user.id, name: user.name, role: user.role, sessionId: session.id } : null;
  }
}
