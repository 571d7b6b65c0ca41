import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reviewers } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { UserEntity } from './entities/user.entity';

/** Reviewers as stored: lower-cased ids and roles once each, empty lists dropped; null when nobody is named. */
export function normalizeReviewers(reviewers: Reviewers | null | undefined): Reviewers | null {
  const users = [...new Set((reviewers?.users ?? []).map((id) => id.toLowerCase()))];
  const roles = [...new Set(reviewers?.roles ?? [])];
  if (!users.length && !roles.length) return null;
  return { ...(users.length ? { users } : {}), ...(roles.length ? { roles } : {}) };
}

/** 400 (`validation_failed`, naming `field`) when reviewers name a user that does not exist. */
export async function assertKnownReviewers(
  em: EntityManager,
  reviewers: Reviewers | null | undefined,
  field: string,
): Promise<void> {
  const ids = normalizeReviewers(reviewers)?.users ?? [];
  if (!ids.length) return;
  const known = await em.count(UserEntity, { id: { $in: ids } });
  if (known !== ids.length) {
    throw new AppError(ErrorCode.ValidationFailed, `${field} names a user that does not exist`, {
      details: [{ field, errors: ['must name existing users'] }],
    });
  }
}

/**
 * Checks and normalizes the reviewers a workflow policy patch names (`reviewers`, `escalationReviewers`); keys
 * the patch leaves out stay out, so they keep their current value.
 */
export async function policyReviewers<
  T extends { reviewers?: Reviewers | null; escalationReviewers?: Reviewers | null },
>(em: EntityManager, policy: T | undefined): Promise<T | undefined> {
  if (!policy) return policy;
  const patch = { ...policy };
  for (const key of ['reviewers', 'escalationReviewers'] as const) {
    if (policy[key] === undefined) continue;
    await assertKnownReviewers(em, policy[key], `policy.${key}.users`);
    patch[key] = normalizeReviewers(policy[key]);
  }
  return patch;
}
