import { IsString, MaxLength, MinLength } from 'class-validator';
import type { LoginRequest } from '@tandem/shared';

export class LoginDto implements LoginRequest {
  @IsString()
  @MinLength(3)
  @MaxLength(320)
  email!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  password!: string;
}
