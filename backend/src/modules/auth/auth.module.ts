import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { CALLER_RESOLVER } from '../../common/auth-ports';
import { AgentsModule } from '../agents/agents.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginLimiter } from './login-limiter.service';
import { MfaService } from './mfa.service';
import { PrincipalService } from './principal.service';
import { MfaChallengeEntity } from './entities/mfa-challenge.entity';
import { SessionEntity } from './entities/session.entity';
import { UserSessionsLink } from './sessions';

@Module({
  imports: [MikroOrmModule.forFeature([SessionEntity, MfaChallengeEntity]), AgentsModule, UsersModule],
  controllers: [AuthController, AccountController],
  providers: [
    AuthService,
    PrincipalService,
    MfaService,
    AccountService,
    LoginLimiter,
    UserSessionsLink,
    { provide: CALLER_RESOLVER, useExisting: AuthService },
  ],
  exports: [AuthService, CALLER_RESOLVER],
})
export class AuthModule {}
