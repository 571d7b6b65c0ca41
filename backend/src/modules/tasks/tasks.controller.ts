import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditEntry, Page, Task } from '@tandem/shared';
import type { Response } from 'express';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import {
  ClaimTaskDto,
  CreateTaskDto,
  DEFAULT_CLAIM_SECONDS,
  DeleteTaskDto,
  DeleteTaskQueryDto,
  MoveTaskDto,
  TaskHistoryQueryDto,
  UpdateTaskDto,
} from './dto/task.dto';
import { TaskClaimsService } from './task-claims.service';
import { TasksService, type TaskWrite } from './tasks.service';

/** Soft WIP-limit warnings travel with the successful response. */
export const WARNING_HEADER = 'X-Tandem-Warning';

function withWarnings(res: Response, write: TaskWrite): Task {
  if (write.warnings.length) res.setHeader(WARNING_HEADER, write.warnings.join('; '));
  return write.task;
}

@ApiTags('tasks')
@Controller()
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly claims: TaskClaimsService,
  ) {}

  @Access({ role: 'viewer', agents: true })
  @Get('workflows/:id/tasks')
  board(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) workflowId: string,
  ): Promise<Page<Task>> {
    return this.tasks.board(caller, meta, workflowId);
  }

  @Access({ role: 'member', agents: true })
  @Post('workflows/:id/tasks')
  async create(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) workflowId: string,
    @Body() dto: CreateTaskDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Task> {
    return withWarnings(res, await this.tasks.create(caller, meta, workflowId, dto));
  }

  @Access({ role: 'viewer', agents: true })
  @Get('tasks/:id')
  get(@CurrentCaller() caller: Caller, @Meta() meta: RequestMeta, @Param('id', UuidParamPipe) id: string) {
    return this.tasks.get(caller, meta, id);
  }

  /** The task's history from the audit log, for anyone who may see the task (the whole log is for admins). */
  @Access({ role: 'viewer', agents: true })
  @Get('tasks/:id/history')
  history(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: TaskHistoryQueryDto,
  ): Promise<Page<AuditEntry>> {
    return this.tasks.history(caller, meta, id, query);
  }

  @Access({ role: 'member', agents: true })
  @Patch('tasks/:id')
  update(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateTaskDto,
  ): Promise<Task> {
    return this.tasks.update(caller, meta, id, dto);
  }

  @Access({ role: 'member', agents: true })
  @Delete('tasks/:id')
  remove(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: DeleteTaskDto,
    @Query() query: DeleteTaskQueryDto,
  ): Promise<Task> {
    return this.tasks.remove(caller, meta, id, body.version ?? query.version ?? null);
  }

  @Access({ role: 'member', agents: true })
  @Post('tasks/:id/move')
  @HttpCode(200)
  async move(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: MoveTaskDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Task> {
    return withWarnings(res, await this.tasks.move(caller, meta, id, dto));
  }

  @Access({ agents: true })
  @Post('tasks/:id/claim')
  @HttpCode(200)
  claim(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: ClaimTaskDto,
  ): Promise<Task> {
    return this.claims.claim(caller, meta, id, dto.ttlSeconds ?? DEFAULT_CLAIM_SECONDS);
  }

  @Access({ role: 'member', agents: true })
  @Delete('tasks/:id/claim')
  release(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<Task> {
    return this.claims.release(caller, meta, id);
  }
}
