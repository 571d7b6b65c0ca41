import { Injectable } from '@nestjs/common';
import type { MfaEnableResponse, MfaSetupResponse } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import type { Caller, RequestMeta } from '../../common/caller';
import { WritePath } from '../../core/write-path.service';
import { AuthService } from './auth.service';
import { UsersService } from '../users/users.service';
import type { MfaDisableDto } from './dto/mfa.dto';
import { matchMfaCode, spendMfaCode } from './mfa-codes';
import { verifyPassword } from '../../common/secrets';
import { newRecoveryCodes, newTotpEnrolment, recoveryCodeHash, totpStep } from './totp';

function humanId(caller: Caller): string {
  if (caller.type !== 'human') throw new AppError(ErrorCode.Forbidden, 'Two-factor sign-in is for human accounts');
  return caller.id;
}

/** Two-factor enrolment and removal for the signed-in user (RFC 6238 TOTP plus one-time recovery codes). */
@Injectable()
export class MfaService {
  constructor(
    private readonly writes: WritePath,
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  /** A new secret, not yet active: `enable` switches it on once the user proves their app has it. */
  async setup(caller: Caller, meta: RequestMeta): Promise<MfaSetupResponse> {
    const id = humanId(caller);
    return this.writes.run(caller, meta, async (tx) => {
      const user = await this.users.lock(tx, id);
      if (user.mfaEnabledAt) {
        throw new AppError(ErrorCode.Conflict, 'Two-factor sign-in is already on; remove it first to enrol again');
      }
      const enrolment = await newTotpEnrolment(user.email);
      user.mfaPendingSecret = enrolment.secret;
      return enrolment;
    });
  }

  async enable(caller: Caller, meta: RequestMeta, code: string): Promise<MfaEnableResponse> {
    const id = humanId(caller);
    return this.writes.run(caller, meta, async (tx) => {
      const user = await this.users.lock(tx, id);
      if (user.mfaEnabledAt) throw new AppError(ErrorCode.Conflict, 'Two-factor sign-in is already on');
      if (!user.mfaPendingSecret) throw AppError.badRequest('Start with POST /api/auth/mfa/setup');
      if (totpStep(user.mfaPendingSecret, code) === null) {
        throw new AppError(ErrorCode.InvalidMfaCode, 'Wrong code: check the time on your device and try again');
      }
      const recoveryCodes = newRecoveryCodes();
      user.mfaSecret = user.mfaPendingSecret;
      user.mfaPendingSecret = null;
      user.mfaEnabledAt = new Date();
      user.mfaLastStep = null;
      user.mfaRecoveryHashes = recoveryCodes.map(recoveryCodeHash);
      tx.record({
        action: 'auth.mfa_enabled',
        entityType: 'user',
        entityId: user.id,
        changes: { mfaEnabled: [false, true] },
        context: { recoveryCodes: recoveryCodes.length },
      });
      return { recoveryCodes };
    });
  }

  /** Needs the password or a current code, so a session left open is not enough to switch it off. */
  async disable(caller: Caller, meta: RequestMeta, dto: MfaDisableDto): Promise<void> {
    const id = humanId(caller);
    if (!dto.password && !dto.code) throw AppError.badRequest('Send your password or a two-factor code');
    // A wrong password or code here counts against the sign-in limit: an open session must not be a guessing oracle.
    const email = caller.type === 'human' ? await this.auth.emailOf(id) : null;
    if (email) await this.auth.refuseIfThrottled(email, meta);
    await this.writes
      .run(caller, meta, async (tx) => {
        const user = await this.users.lock(tx, id);
        if (!user.mfaEnabledAt) throw new AppError(ErrorCode.Conflict, 'Two-factor sign-in is not on');
        const match = dto.code ? matchMfaCode(user, dto.code) : null;
        const proven = match !== null || (!!dto.password && (await verifyPassword(dto.password, user.passwordHash)));
        if (!proven) {
          throw dto.code
            ? new AppError(ErrorCode.InvalidMfaCode, 'Wrong or already used two-factor code')
            : new AppError(ErrorCode.WrongPassword, 'Wrong password');
        }
        if (match) spendMfaCode(user, match);
        user.mfaSecret = null;
        user.mfaPendingSecret = null;
        user.mfaEnabledAt = null;
        user.mfaLastStep = null;
        user.mfaRecoveryHashes = [];
        tx.record({
          action: 'auth.mfa_disabled',
          entityType: 'user',
          entityId: user.id,
          changes: { mfaEnabled: [true, false] },
          context: { proof: match ? match.kind : 'password' },
        });
      })
      .catch(async (error: unknown) => {
        const wrongProof =
          error instanceof AppError &&
          (error.code === ErrorCode.WrongPassword || error.code === ErrorCode.InvalidMfaCode);
        if (wrongProof && email) await this.auth.refused(email, meta, 'wrong_proof_for_mfa_removal');
        throw error;
      });
  }
}
