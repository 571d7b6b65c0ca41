import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { LoginResponse, LoginResult, Principal } from '@tandem/shared';
import type { Request, Response } from 'express';
import { Access, AllowDuringMfaEnrollment, CurrentCaller, Meta, Public } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { AccountService } from './account.service';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { MfaLoginDto } from './dto/mfa.dto';
import { ChangePasswordDto } from './dto/password.dto';
import { PrincipalService } from './principal.service';
import { clearSessionCookie, setSessionCookie } from './session-cookie';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly account: AccountService,
    private readonly principals: PrincipalService,
  ) {}

  /** `{token, user}` + cookie, or `{mfaRequired: true, challenge}` (no token, no cookie) with two-factor on. */
  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() dto: LoginDto,
    @Meta() meta: RequestMeta,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResult> {
    const result = await this.auth.login(dto, meta);
    if ('token' in result) setSessionCookie(req, res, result.token);
    return result;
  }

  /** Second step of a two-factor sign-in: answers like a password login. */
  @Public()
  @Post('mfa')
  @HttpCode(200)
  async completeMfa(
    @Body() dto: MfaLoginDto,
    @Meta() meta: RequestMeta,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponse> {
    const result = await this.auth.completeMfa(dto, meta);
    setSessionCookie(req, res, result.token);
    return result;
  }

  @Access({ role: 'viewer', agents: true })
  @AllowDuringMfaEnrollment()
  @Post('logout')
  @HttpCode(204)
  async logout(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(caller, meta);
    clearSessionCookie(req, res);
  }

  @Access({ role: 'viewer', agents: true })
  @AllowDuringMfaEnrollment()
  @Get('me')
  me(@CurrentCaller() caller: Caller): Promise<Principal> {
    return this.principals.describe(caller);
  }

  /** Self-service change: needs the current password; every other session of this user ends. */
  @Access({ role: 'viewer' })
  @Post('password')
  @HttpCode(204)
  changePassword(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    return this.account.changePassword(caller, meta, dto);
  }
}
