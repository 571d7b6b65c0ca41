import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginLimiter } from './login-limiter.service';
import { MfaService } from './mfa.service';
import { PrincipalService } from './principal.service';

@Module({
  imports: [AgentsModule],
  controllers: [AuthController, AccountController],
  providers: [AuthService, PrincipalService, LoginLimiter, MfaService, AccountService],
  exports: [AuthService],
})
export class AuthModule {}
