import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { CreatedInterrupt } from '@tandem/shared';
import { Access, CurrentCaller, Meta } from '../../common/access.decorator';
import type { Caller, RequestMeta } from '../../common/caller';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import { GetSuggestionQueryDto } from '../suggestions/dto/suggestion.dto';
import { CreateInterruptDto, InterruptTargetQueryDto } from './dto/interrupt.dto';
import { InterruptsService } from './interrupts.service';

@ApiTags('interrupts')
@Controller('interrupts')
export class InterruptsController {
  constructor(private readonly interrupts: InterruptsService) {}

  /** 201 `{id, suggestionId}`; an array (or `interrupts: [...]`) answers an array of them, in order. */
  @Access({ agents: true })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ type: CreateInterruptDto })
  @Post()
  create(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    // Validated by the service: the body is one interrupt or an array of them.
    @Body() body: unknown,
    @Query() query: InterruptTargetQueryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<CreatedInterrupt | CreatedInterrupt[]> {
    return this.interrupts.create(caller, meta, body, query, idempotencyKey);
  }

  /** `{status: "pending"}` or `{status: "decided", response: HumanResponse}`; `wait` long-polls (at most 60 s). */
  @Access({ role: 'viewer', agents: true })
  @Get(':id')
  get(
    @CurrentCaller() caller: Caller,
    @Meta() meta: RequestMeta,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: GetSuggestionQueryDto,
  ) {
    return this.interrupts.get(caller, meta, id, query.wait);
  }
}
