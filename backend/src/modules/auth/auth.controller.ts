import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { LoginResponse, Principal } from '@tandem/shared';
import type { Response } from 'express';
import { Access, CurrentCaller, Meta, Public } from '../../common/access.decorator';
import { SESSION_COOKIE } from '../../common/auth.guard';
import type { Caller, RequestMeta } from '../../common/caller';
import { loadConfig } from '../../config';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { PrincipalService } from './principal.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly principals: PrincipalService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() dto: LoginDto,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponse> {
    const result = await this.auth.login(dto, meta);
    res.cookie(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: loadConfig().cookieSecure,
      path: '/',
      maxAge: loadConfig().sessionTtlHours * 3_600_000,
    });
    return result;
  }

  @Access({ role: 'viewer', agents: true })
  @Post('logout')
  @HttpCode(204)
  async logout(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(caller, meta);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Access({ role: 'viewer', agents: true })
  @Get('me')
  me(@CurrentCaller() caller: Caller): Promise<Principal> {
    return this.principals.describe(caller);
  }
}
