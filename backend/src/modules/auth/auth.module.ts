import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { CALLER_RESOLVER } from '../../common/auth-ports';
import { AgentsModule } from '../agents/agents.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { PrincipalService } from './principal.service';
import { SessionEntity } from './entities/session.entity';

@Module({
  imports: [MikroOrmModule.forFeature([SessionEntity]), AgentsModule],
  controllers: [AuthController],
  providers: [AuthService, PrincipalService, { provide: CALLER_RESOLVER, useExisting: AuthService }],
  exports: [AuthService, CALLER_RESOLVER],
})
export class AuthModule {}
