import { Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { LoginResponse, LoginResult } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { SYSTEM, type Caller, type RequestMeta } from '../../common/caller';
import { loginThrottled } from '../../common/metrics';
import { loadConfig } from '../../config';
import { AgentsService } from '../agents/agents.service';
import { AuditService } from '../../core/audit.service';
import { WritePath, type WriteTx } from '../../core/write-path.service';
import type { UserEntity } from '../users/entities/user.entity';
import { PRINCIPAL_SQL, principalOf, UsersService, type Principal, type PrincipalRow } from '../users/users.service';
import { toUser } from '../users/user.mapper';
import type { LoginDto } from './dto/login.dto';
import type { MfaLoginDto } from './dto/mfa.dto';
import { MfaChallengeEntity } from './entities/mfa-challenge.entity';
import { SessionEntity } from './entities/session.entity';
import { LoginLimiter } from './login-limiter.service';
import { matchMfaCode, spendMfaCode } from './mfa-codes';
import {
  AGENT_KEY_PREFIX,
  MFA_CHALLENGE_PREFIX,
  newSecret,
  SESSION_TOKEN_PREFIX,
  sha256Hex,
  verifyPasswordConstantCost,
} from '../../common/secrets';

/** A two-factor challenge lives this long, and allows this many wrong codes. */
const CHALLENGE_TTL_MS = 5 * 60_000;
const CHALLENGE_ATTEMPTS = 5;

const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Thrown inside a sign-in transaction to roll it back when the code does not match. */
class WrongCode extends Error {}

@Injectable()
export class AuthService {
  private readonly config = loadConfig();
  private readonly sessionTtlMs = this.config.sessionTtlHours * 3_600_000;

  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly audit: AuditService,
    private readonly limiter: LoginLimiter,
    private readonly agents: AgentsService,
    private readonly users: UsersService,
  ) {}

  /**
   * Step one of sign-in. Every refused attempt costs the same (an unknown or disabled account is checked against
   * a dummy hash) and answers the same 401. With two-factor on, a right password yields only a challenge.
   */
  async login(dto: LoginDto, meta: RequestMeta): Promise<LoginResult> {
    const email = normalizeEmail(dto.email);
    await this.refuseIfThrottled(email, meta);
    const user = await this.users.findByEmail(this.orm.em.fork(), email);
    const passwordOk = await verifyPasswordConstantCost(dto.password, user?.passwordHash ?? null);
    if (!user || user.disabled || !passwordOk) {
      await this.refused(email, meta, user?.disabled ? 'disabled' : 'bad_credentials');
      throw new AppError(ErrorCode.Unauthorized, 'Wrong email or password');
    }
    if (user.mfaEnabledAt) return { mfaRequired: true, challenge: await this.newChallenge(user) };
    const response = await this.writes.run(this.callerFor(user, null), meta, (tx) =>
      this.openSession(tx, user, { method: 'password' }),
    );
    await this.limiter.succeeded(email);
    return response;
  }

  /** Step two: the challenge from step one and a TOTP or recovery code. Answers like a password login. */
  async completeMfa(dto: MfaLoginDto, meta: RequestMeta): Promise<LoginResponse> {
    const em = this.orm.em.fork();
    const challenge = await em.findOne(MfaChallengeEntity, {
      tokenHash: sha256Hex(dto.challenge),
      expiresAt: { $gt: new Date() },
    });
    const user = challenge ? await this.users.find(em, challenge.userId) : null;
    if (!challenge || !user || user.disabled || !user.mfaSecret) {
      throw new AppError(ErrorCode.InvalidMfaCode, 'The sign-in challenge is unknown or expired; sign in again');
    }
    await this.refuseIfThrottled(user.email, meta);
    try {
      const response = await this.writes.run(this.callerFor(user, null), meta, async (tx) => {
        // The row lock makes a code single-use even when two requests race with it.
        const locked = await this.users.lock(tx, user.id);
        const match = matchMfaCode(locked, dto.code);
        if (!match) throw new WrongCode();
        if (!(await tx.em.nativeDelete(MfaChallengeEntity, { id: challenge.id }))) throw new WrongCode();
        spendMfaCode(locked, match);
        if (match.kind === 'recovery') {
          tx.record({
            action: 'auth.mfa_recovery_used',
            entityType: 'user',
            entityId: locked.id,
            context: { remaining: locked.mfaRecoveryHashes.length },
          });
        }
        return this.openSession(tx, locked, { method: 'password', mfa: match.kind });
      });
      await this.limiter.succeeded(user.email);
      return response;
    } catch (error) {
      if (!(error instanceof WrongCode)) throw error;
      const attempts = challenge.attempts + 1;
      if (attempts >= CHALLENGE_ATTEMPTS) await em.nativeDelete(MfaChallengeEntity, { id: challenge.id });
      else await em.nativeUpdate(MfaChallengeEntity, { id: challenge.id }, { attempts });
      await this.refused(user.email, meta, 'bad_mfa_code');
      throw new AppError(ErrorCode.InvalidMfaCode, 'Wrong or already used two-factor code');
    }
  }

  async logout(caller: Caller, meta: RequestMeta): Promise<void> {
    if (caller.type !== 'human' || !caller.sessionId) return;
    const sessionId = caller.sessionId;
    await this.writes.run(caller, meta, async (tx) => {
      await tx.em.nativeDelete(SessionEntity, { id: sessionId });
      tx.record({ action: 'auth.logout', entityType: 'session', entityId: sessionId });
    });
  }

  /**
   * Who holds this token: a session token of an enabled user, or an agent's unrevoked API key. A session that may
   * only enrol in two-factor (`REQUIRE_MFA_FOR_ADMINS`) counts only where `allowEnrollment` says so (REST, whose
   * guard then limits it to the enrolment routes); sockets refuse it.
   */
  async resolve(token: string, options: { allowEnrollment?: boolean } = {}): Promise<Caller | null> {
    const em = this.orm.em.fork();
    const hash = sha256Hex(token);
    if (token.startsWith(AGENT_KEY_PREFIX)) {
      const agent = await this.agents.findByKey(em, hash);
      return agent ? { type: 'agent', id: agent.id, name: agent.name, keyHash: hash } : null;
    }
    return this.sessionHolder(em, 's.token_hash = ?', [hash], options);
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
        const agent = await this.agents.findByKey(em, caller.keyHash, caller.id);
        return agent ? { type: 'agent', id: agent.id, name: agent.name, keyHash: caller.keyHash } : null;
      }
      case 'human': {
        if (!caller.sessionId) return null;
        return this.sessionHolder(em, 's.id = ? and s.user_id = ?', [caller.sessionId, caller.id]);
      }
    }
  }

  /** The caller holding the unexpired session `where` picks (over `sessions s`), if its user is enabled. */
  private async sessionHolder(
    em: EntityManager,
    where: string,
    params: unknown[],
    options: { allowEnrollment?: boolean } = {},
  ): Promise<Caller | null> {
    // One statement (see PRINCIPAL_SQL): it runs on every request.
    const [row] = await em.execute<Array<PrincipalRow & { session_id: string }>>(
      `select s.id as session_id, ${PRINCIPAL_SQL.columns} from sessions s join users u on u.id = s.user_id
       where ${where} and s.expires_at > now() and ${PRINCIPAL_SQL.enabled}`,
      params,
    );
    if (!row) return null;
    const caller = this.callerFor(principalOf(row), row.session_id);
    return caller.type === 'human' && caller.mfaEnrollmentRequired && !options.allowEnrollment ? null : caller;
  }

  private callerFor(user: Principal, sessionId: string | null): Caller {
    const mfaEnrollmentRequired = this.config.requireMfaForAdmins && user.role === 'admin' && !user.mfaEnabledAt;
    return {
      type: 'human',
      id: user.id,
      name: user.name,
      role: user.role,
      sessionId,
      ...(mfaEnrollmentRequired ? { mfaEnrollmentRequired } : {}),
    };
  }

  private async openSession(tx: WriteTx, user: UserEntity, context: Record<string, unknown>): Promise<LoginResponse> {
    const token = newSecret(SESSION_TOKEN_PREFIX);
    const session = tx.em.create(SessionEntity, {
      tokenHash: sha256Hex(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + this.sessionTtlMs),
      ip: tx.meta.ip,
      userAgent: tx.meta.userAgent?.slice(0, 500) ?? null,
    });
    tx.record({ action: 'auth.login', entityType: 'session', entityId: session.id, context });
    const caller = this.callerFor(user, session.id);
    const mustEnroll = caller.type === 'human' && caller.mfaEnrollmentRequired === true;
    return { token, user: toUser(user), ...(mustEnroll ? { mfaEnrollmentRequired: true } : {}) };
  }

  private async newChallenge(user: UserEntity): Promise<string> {
    const challenge = newSecret(MFA_CHALLENGE_PREFIX);
    const em = this.orm.em.fork();
    // Expired challenges of this user go with each new one, so the table holds only live ones.
    await em.nativeDelete(MfaChallengeEntity, { userId: user.id, expiresAt: { $lte: new Date() } });
    em.create(MfaChallengeEntity, {
      tokenHash: sha256Hex(challenge),
      userId: user.id,
      expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
    });
    await em.flush();
    return challenge;
  }

  /** The (normalized) email of a user, the key of its sign-in limit. */
  async emailOf(userId: string): Promise<string | null> {
    return (await this.users.find(this.orm.em.fork(), userId))?.email ?? null;
  }

  /** 429 while the account or the address is over its limit; only the first refusal of a window is audited. */
  async refuseIfThrottled(email: string, meta: RequestMeta): Promise<void> {
    const block = await this.limiter.check(email, meta.ip);
    if (!block) return;
    loginThrottled.inc({ scope: block.scope });
    if (block.first) {
      await this.audit.record(SYSTEM, meta, {
        action: 'auth.login_failed',
        entityType: 'session',
        entityId: null,
        outcome: 'denied',
        context: { email, reason: 'rate_limited', scope: block.scope, retryAfterSeconds: block.retryAfterSeconds },
      });
    }
    throw new AppError(ErrorCode.RateLimited, `Too many failed sign-ins; retry in ${block.retryAfterSeconds} s`, {
      details: { scope: block.scope, retryAfterSeconds: block.retryAfterSeconds },
      headers: { 'Retry-After': String(block.retryAfterSeconds) },
    });
  }

  /** A refused attempt: counted against the account and the address, and audited (under the limit). */
  async refused(email: string, meta: RequestMeta, reason: string): Promise<void> {
    await this.limiter.failed(email, meta.ip);
    await this.audit.record(SYSTEM, meta, {
      action: 'auth.login_failed',
      entityType: 'session',
      entityId: null,
      outcome: 'denied',
      context: { email, reason },
    });
  }
}
