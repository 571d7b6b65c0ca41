import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { SessionInfo } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import type { Caller, RequestMeta } from '../../common/caller';
import { WritePath } from '../../core/write-path.service';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import type { ChangePasswordDto } from './dto/password.dto';
import { SessionEntity } from './entities/session.entity';
import { hashPassword, verifyPassword } from '../../common/secrets';
import { endSessions } from './sessions';

function human(caller: Caller): Extract<Caller, { type: 'human' }> {
  if (caller.type !== 'human') throw new AppError(ErrorCode.Forbidden, 'This is for human accounts');
  return caller;
}

/** The signed-in user's own account: password and sessions. */
@Injectable()
export class AccountService {
  constructor(
    private readonly orm: MikroORM,
    private readonly writes: WritePath,
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  /**
   * Needs the current password (a wrong one counts against the sign-in limit, so a stolen session cannot be used
   * to guess it); the new one meets the policy (the DTO checked). Every other session of the user ends.
   */
  async changePassword(caller: Caller, meta: RequestMeta, dto: ChangePasswordDto): Promise<void> {
    const me = human(caller);
    const user = await this.users.find(this.orm.em.fork(), me.id);
    if (!user) throw AppError.notFound('user');
    await this.auth.refuseIfThrottled(user.email, meta);
    if (!(await verifyPassword(dto.current, user.passwordHash))) {
      await this.auth.refused(user.email, meta, 'wrong_current_password');
      throw new AppError(ErrorCode.WrongPassword, 'The current password is wrong', {
        details: [{ field: 'current', errors: ['current password is wrong'] }],
      });
    }
    if (dto.next === dto.current) {
      throw new AppError(ErrorCode.ValidationFailed, 'Invalid request: next', {
        details: [{ field: 'next', errors: ['the new password must differ from the current one'] }],
      });
    }
    const passwordHash = await hashPassword(dto.next);
    await this.writes.run(caller, meta, async (tx) => {
      const locked = await this.users.lock(tx, me.id);
      locked.passwordHash = passwordHash;
      const ended = await endSessions(tx.em, me.id, me.sessionId);
      tx.record({
        action: 'auth.password_changed',
        entityType: 'user',
        entityId: me.id,
        changes: { password: ['(hidden)', '(changed)'] },
        context: { endedSessions: ended },
      });
    });
  }

  async sessions(caller: Caller): Promise<SessionInfo[]> {
    const me = human(caller);
    const rows = await this.orm.em
      .fork()
      .find(SessionEntity, { userId: me.id, expiresAt: { $gt: new Date() } }, { orderBy: { createdAt: 'desc' } });
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      ip: row.ip,
      userAgent: row.userAgent,
      current: row.id === me.sessionId,
    }));
  }

  /** Ends one of my sessions (404 for anyone else's: their existence is not revealed). */
  async revokeSession(caller: Caller, meta: RequestMeta, id: string): Promise<void> {
    const me = human(caller);
    await this.writes.run(caller, meta, async (tx) => {
      const removed = await tx.em.nativeDelete(SessionEntity, { id, userId: me.id });
      if (!removed) throw AppError.notFound('session', id);
      tx.record({ action: 'auth.sessions_revoked', entityType: 'session', entityId: id, context: { sessions: [id] } });
    });
  }

  async revokeOthers(caller: Caller, meta: RequestMeta): Promise<{ revoked: number }> {
    const me = human(caller);
    return this.writes.run(caller, meta, async (tx) => {
      const ended = await endSessions(tx.em, me.id, me.sessionId);
      tx.record({
        action: 'auth.sessions_revoked',
        entityType: 'user',
        entityId: me.id,
        context: { sessions: ended },
      });
      return { revoked: ended.length };
    });
  }
}
