import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Port } from '../../common/port';

/** Sessions belong to the auth module; it plugs in how a user's sessions end (on a password reset). */
export interface UserSessions {
  /** Ends every session of the user inside the caller's transaction; answers how many ended. */
  endAll(em: EntityManager, userId: string): Promise<number>;
}

@Injectable()
export class UserSessionsPort extends Port<UserSessions> {}
