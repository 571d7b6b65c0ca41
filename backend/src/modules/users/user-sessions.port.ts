import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Port } from '../../common/port';

/** Ending a user's sessions: the auth module owns the sessions table and plugs itself in here. */
export interface UserSessionEnder {
  /** Ends every session of the user inside the caller's transaction; answers the ended sessions' ids. */
  endSessions(em: EntityManager, userId: string): Promise<string[]>;
}

@Injectable()
export class UserSessionsPort extends Port<UserSessionEnder> {
  /** Fails loudly when nothing is plugged in: a password reset that silently kept the sessions would be a hole. */
  endSessions(em: EntityManager, userId: string): Promise<string[]> {
    if (!this.current) throw new Error('UserSessionsPort: no session store is plugged in (is AuthModule loaded?)');
    return this.current.endSessions(em, userId);
  }
}
