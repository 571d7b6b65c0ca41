import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page, Workflow } from '@tandem/shared';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import { AssignAgentsDto, CreateWorkflowDto, ListWorkflowsQueryDto, UpdateWorkflowDto } from './dto/workflow.dto';
import { WorkflowsService } from './workflows.service';

@ApiTags('workflows')
@Controller('workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Access({ role: 'viewer', agents: true })
  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: ListWorkflowsQueryDto): Promise<Page<Workflow>> {
    return this.workflows.list(caller, query);
  }

  @Access({ role: 'admin' })
  @Post()
  create(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Body() dto: CreateWorkflowDto,
  ): Promise<Workflow> {
    return this.workflows.create(caller, meta, dto);
  }

  @Access({ role: 'viewer', agents: true })
  @Get(':id')
  get(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta, @Param('id', UuidParamPipe) id: string) {
    return this.workflows.get(caller, meta, id);
  }

  @Access({ role: 'admin' })
  @Patch(':id')
  update(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateWorkflowDto,
  ): Promise<Workflow> {
    return this.workflows.update(caller, meta, id, dto);
  }

  @Access({ role: 'admin' })
  @Delete(':id')
  archive(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta, @Param('id', UuidParamPipe) id: string) {
    return this.workflows.archive(caller, meta, id);
  }

  @Access({ role: 'admin' })
  @Put(':id/agents')
  assignAgents(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: AssignAgentsDto,
  ): Promise<Workflow> {
    return this.workflows.assignAgents(caller, meta, id, dto);
  }
}
