import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { MfaDisableRequest, MfaEnableRequest, MfaLoginRequest } from '@tandem/shared';
import { MAX_PASSWORD_LENGTH } from '../password-policy';

/** A 6-digit TOTP code or a recovery code (`xxxxx-xxxxx`); spaces are allowed and ignored. */
const CODE = /^[0-9a-zA-Z -]{6,20}$/;

export class MfaLoginDto implements MfaLoginRequest {
  @IsString()
  @Matches(/^tmc_[\w-]{20,100}$/, { message: 'challenge is not a login challenge' })
  challenge!: string;

  @IsString()
  @Matches(CODE, { message: 'code must be a 6-digit code or a recovery code' })
  code!: string;
}

export class MfaEnableDto implements MfaEnableRequest {
  @IsString()
  @Matches(/^[0-9 ]{6,8}$/, { message: 'code must be the 6-digit code your app shows' })
  code!: string;
}

export class MfaDisableDto implements MfaDisableRequest {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password?: string;

  @IsOptional()
  @IsString()
  @Matches(CODE, { message: 'code must be a 6-digit code or a recovery code' })
  code?: string;
}
