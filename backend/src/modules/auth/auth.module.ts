import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { PrincipalService } from './principal.service';

@Module({
  imports: [AgentsModule],
  controllers: [AuthController],
  providers: [AuthService, PrincipalService],
  exports: [AuthService],
})
export class AuthModule {}
