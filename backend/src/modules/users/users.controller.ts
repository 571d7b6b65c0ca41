import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { CreatedUser, Page, PersonSummary, ResetPasswordResponse, User } from '@tandem/shared';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { PageQueryDto } from '../../common/paging';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Access({ role: 'admin' })
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(@Query() query: PageQueryDto): Promise<Page<User>> {
    return this.users.list(query);
  }

  /** Names for pickers and history: anyone signed in (agents too); emails and the rest stay admin-only. */
  @Access({ role: 'viewer', agents: true })
  @Get('directory')
  directory(@Query() query: PageQueryDto): Promise<Page<PersonSummary>> {
    return this.users.directory(query);
  }

  @Post()
  create(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta, @Body() dto: CreateUserDto): Promise<CreatedUser> {
    return this.users.create(caller, meta, dto);
  }

  @Patch(':id')
  update(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<User> {
    return this.users.update(caller, meta, id, dto);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  resetPassword(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<ResetPasswordResponse> {
    return this.users.resetPassword(caller, meta, id);
  }

  @Delete(':id')
  remove(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta, @Param('id', UuidParamPipe) id: string) {
    return this.users.remove(caller, meta, id);
  }
}
