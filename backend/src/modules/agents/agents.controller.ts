import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Agent, AgentWithKey, Page } from '@tandem/shared';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { PageQueryDto } from '../../common/paging';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import { AgentsService } from './agents.service';
import { CreateAgentDto, UpdateAgentDto } from './dto/agent.dto';

@ApiTags('agents')
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Access({ role: 'viewer', agents: true })
  @Get()
  list(@Query() query: PageQueryDto): Promise<Page<Agent>> {
    return this.agents.list(query);
  }

  @Access({ role: 'viewer', agents: true })
  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<Agent> {
    return this.agents.get(id);
  }

  @Access({ role: 'admin' })
  @Post()
  register(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Body() dto: CreateAgentDto,
  ): Promise<AgentWithKey> {
    return this.agents.register(caller, meta, dto);
  }

  @Access({ role: 'admin' })
  @Patch(':id')
  update(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateAgentDto,
  ): Promise<Agent> {
    return this.agents.update(caller, meta, id, dto);
  }

  @Access({ role: 'admin' })
  @Delete(':id')
  revoke(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta, @Param('id', UuidParamPipe) id: string) {
    return this.agents.revoke(caller, meta, id);
  }

  @Access({ role: 'admin' })
  @Post(':id/rotate-key')
  @HttpCode(200)
  rotateKey(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta, @Param('id', UuidParamPipe) id: string) {
    return this.agents.rotateKey(caller, meta, id);
  }
}
