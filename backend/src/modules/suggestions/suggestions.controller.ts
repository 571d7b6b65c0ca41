import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Page, Suggestion } from '@tandem/shared';
import type { Response } from 'express';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import {
  CreateSuggestionDto,
  DecideSuggestionDto,
  GetSuggestionQueryDto,
  ListSuggestionsQueryDto,
  ReviseSuggestionDto,
} from './dto/suggestion.dto';
import { SuggestionDecisions } from './suggestion-decisions.service';
import { SuggestionsService } from './suggestions.service';

@ApiTags('suggestions')
@Controller('suggestions')
export class SuggestionsController {
  constructor(
    private readonly suggestions: SuggestionsService,
    private readonly decisions: SuggestionDecisions,
  ) {}

  /** 201 for a new suggestion; 200 with the first one for a retry with the same Idempotency-Key. */
  @Access({ agents: true })
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @Post()
  async create(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() dto: CreateSuggestionDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Suggestion> {
    const { suggestion, created } = await this.suggestions.create(caller, meta, idempotencyKey, dto);
    response.status(created ? 201 : 200);
    return suggestion;
  }

  @Access({ role: 'viewer', agents: true })
  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: ListSuggestionsQueryDto): Promise<Page<Suggestion>> {
    return this.suggestions.list(caller, query);
  }

  @Access({ role: 'viewer', agents: true })
  @Get(':id')
  get(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: GetSuggestionQueryDto,
  ): Promise<Suggestion> {
    return this.suggestions.get(caller, meta, id, query.wait);
  }

  @Access({ role: 'approver' })
  @HttpCode(200)
  @Post(':id/decision')
  decide(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: DecideSuggestionDto,
  ): Promise<Suggestion> {
    return this.decisions.decide(caller, meta, id, dto);
  }

  @Access({ agents: true })
  @Post(':id/revisions')
  revise(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: ReviseSuggestionDto,
  ): Promise<Suggestion> {
    return this.suggestions.revise(caller, meta, id, dto);
  }

  @Access({ agents: true })
  @HttpCode(200)
  @Post(':id/withdraw')
  withdraw(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<Suggestion> {
    return this.suggestions.withdraw(caller, meta, id);
  }
}
