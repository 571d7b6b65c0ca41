import type { UserEntity } from '../users/entities/user.entity';
import { looksLikeRecoveryCode, recoveryCodeHash, totpStep } from './totp';

export type MfaMatch = { kind: 'totp'; step: number } | { kind: 'recovery'; hash: string };

/** Whether `code` is a current TOTP code not used before, or one of the user's unused recovery codes. */
export function matchMfaCode(user: UserEntity, code: string): MfaMatch | null {
  if (!user.mfaSecret) return null;
  if (looksLikeRecoveryCode(code)) {
    const hash = recoveryCodeHash(code);
    return user.mfaRecoveryHashes.includes(hash) ? { kind: 'recovery', hash } : null;
  }
  const step = totpStep(user.mfaSecret, code);
  return step !== null && step > (user.mfaLastStep ?? -1) ? { kind: 'totp', step } : null;
}

/** Marks the code used: a TOTP step cannot come back, a recovery code is gone. */
export function spendMfaCode(user: UserEntity, match: MfaMatch): void {
  if (match.kind === 'totp') user.mfaLastStep = match.step;
  else user.mfaRecoveryHashes = user.mfaRecoveryHashes.filter((hash) => hash !== match.hash);
}
