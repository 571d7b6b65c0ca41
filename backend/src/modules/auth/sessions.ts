import type { EntityManager } from '@mikro-orm/postgresql';
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
