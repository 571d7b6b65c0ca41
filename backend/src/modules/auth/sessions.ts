import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UserSessionsPort, type UserSessionEnder } from '../users/user-sessions.port';
import { SessionEntity } from './entities/session.entity';

/**
 * Ends a user's sessions (all, or all but one) inside the caller's transaction and answers their ids. The live
 * sockets of those sessions follow (see SECURITY.md, "How revocation propagates").
 */
export async function endSessions(em: EntityManager, userId: string, keepSessionId?: string | null): Promise<string[]> {
  const where = keepSessionId ? { userId, id: { $ne: keepSessionId } } : { userId };
  const sessions = await em.find(SessionEntity, where, { fields: ['id'] });
  if (sessions.length) await em.nativeDelete(SessionEntity, { id: { $in: sessions.map((session) => session.id) } });
  return sessions.map((session) => session.id);
}

/** Lets the users module end a user's sessions (password reset, disable) without reaching into this module. */
@Injectable()
export class UserSessionsLink implements UserSessionEnder, OnModuleInit {
  constructor(private readonly port: UserSessionsPort) {}

  onModuleInit(): void {
    this.port.plug(this);
  }

  endSessions(em: EntityManager, userId: string): Promise<string[]> {
    return endSessions(em, userId);
  }
}
