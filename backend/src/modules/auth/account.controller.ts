import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { MfaEnableResponse, MfaSetupResponse, SessionInfo } from '@tandem/shared';
import { Access, AllowDuringMfaEnrollment, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import { AccountService } from './account.service';
import { MfaDisableDto, MfaEnableDto } from './dto/mfa.dto';
import { MfaService } from './mfa.service';

/** The signed-in human's own two-factor enrolment and sessions (the Account page). */
@ApiTags('auth')
@Access({ role: 'viewer' })
@Controller('auth')
export class AccountController {
  constructor(
    private readonly mfa: MfaService,
    private readonly account: AccountService,
  ) {}

  @AllowDuringMfaEnrollment()
  @Post('mfa/setup')
  @HttpCode(200)
  setupMfa(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta): Promise<MfaSetupResponse> {
    return this.mfa.setup(caller, meta);
  }

  /** Switches two-factor on; the recovery codes in the answer are shown this once. */
  @AllowDuringMfaEnrollment()
  @Post('mfa/enable')
  @HttpCode(200)
  enableMfa(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Body() dto: MfaEnableDto,
  ): Promise<MfaEnableResponse> {
    return this.mfa.enable(caller, meta, dto.code);
  }

  @Delete('mfa')
  @HttpCode(204)
  disableMfa(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta, @Body() dto: MfaDisableDto): Promise<void> {
    return this.mfa.disable(caller, meta, dto);
  }

  @Get('sessions')
  sessions(@CurrentCaller() caller: Caller): Promise<SessionInfo[]> {
    return this.account.sessions(caller);
  }

  @Post('sessions/revoke-others')
  @HttpCode(200)
  revokeOthers(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta): Promise<{ revoked: number }> {
    return this.account.revokeOthers(caller, meta);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  revokeSession(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<void> {
    return this.account.revokeSession(caller, meta, id);
  }
}
