import { IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type CreateUserRequest, type Role } from '@tandem/shared';
import { Omittable } from '../../../common/input-guard';
import { MeetsPasswordPolicy } from '../../auth/password-policy';

export class CreateUserDto implements CreateUserRequest {
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  /** Optional: without it the server generates a one-time password. */
  @Omittable()
  @IsString()
  @MeetsPasswordPolicy()
  password?: string;

  @IsIn(ROLES)
  role!: Role;
}
