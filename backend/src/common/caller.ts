import type { Actor, Role } from '@tandem/shared';
import { roleAtLeast } from '@tandem/shared';

/** Who is making a request: a signed-in human, an agent with an API key, or the system itself. */
export type Caller =
  | {
      type: 'human';
      id: string;
      name: string;
      role: Role;
      sessionId: string | null;
      /** `REQUIRE_MFA_FOR_ADMINS`: an admin without two-factor, whose session may only enrol. */
      mfaEnrollmentRequired?: boolean;
    }
  /** `keyHash`: which of the agent's keys (sha256) was used, so that a rotation ends what the old key opened. */
  | { type: 'agent'; id: string; name: string; keyHash?: string }
  | { type: 'system'; id: null; name: string; onBehalfOf?: string };

export const SYSTEM: Caller = { type: 'system', id: null, name: 'system' };

export function actorOf(caller: Caller): Actor {
  return { type: caller.type, id: caller.id, name: caller.name };
}

export function isHumanAtLeast(caller: Caller, role: Role): boolean {
  return caller.type === 'human' && roleAtLeast(caller.role, role);
}

/** Where a request came from, recorded with every audit entry. */
export interface RequestMeta {
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const NO_REQUEST: RequestMeta = { requestId: null, ip: null, userAgent: null };
