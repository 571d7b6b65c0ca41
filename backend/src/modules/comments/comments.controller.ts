import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Comment, Page } from '@tandem/shared';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import { CommentsService } from './comments.service';
import { CreateCommentDto, UpdateCommentDto } from './dto/comment.dto';

@ApiTags('comments')
@Controller()
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Access({ role: 'viewer', agents: true })
  @Get('tasks/:id/comments')
  list(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) taskId: string,
  ): Promise<Page<Comment>> {
    return this.comments.list(caller, meta, taskId);
  }

  @Access({ role: 'member', agents: true })
  @Post('tasks/:id/comments')
  add(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) taskId: string,
    @Body() dto: CreateCommentDto,
  ): Promise<Comment> {
    return this.comments.add(caller, meta, taskId, dto);
  }

  @Access({ role: 'member', agents: true })
  @Patch('comments/:id')
  edit(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateCommentDto,
  ): Promise<Comment> {
    return this.comments.edit(caller, meta, id, dto);
  }

  @Access({ role: 'member', agents: true })
  @Delete('comments/:id')
  remove(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<Comment> {
    return this.comments.remove(caller, meta, id);
  }
}
