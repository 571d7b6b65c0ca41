import { IsString, MaxLength, MinLength } from 'class-validator';
import type { ChangePasswordRequest } from '@tandem/shared';
import { MAX_PASSWORD_LENGTH, MeetsPasswordPolicy } from '../password-policy';

export class ChangePasswordDto implements ChangePasswordRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_PASSWORD_LENGTH)
  current!: string;

  @IsString()
  @MeetsPasswordPolicy()
  next!: string;
}
