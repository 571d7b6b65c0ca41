import { Injectable } from '@nestjs/common';
import type { CreatedInterrupt } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import type { Caller, RequestMeta } from '../../common/caller';
import { createValidationPipe } from '../../common/validation.pipe';
import { SuggestionsService } from '../suggestions/suggestions.service';
import { CreateInterruptDto, MAX_INTERRUPTS_PER_POST, type InterruptTargetQueryDto } from './dto/interrupt.dto';
import { interruptState } from './interrupt-response';

const MAX_SUMMARY = 500;

/**
 * LangGraph Agent Inbox interrupts (issue 14, 3): each HumanInterrupt becomes a suggestion of kind `interrupt`
 * whose payload is the interrupt; its id is the suggestion's id. Humans decide it like any suggestion.
 */
@Injectable()
export class InterruptsService {
  private readonly validation = createValidationPipe();

  constructor(private readonly suggestions: SuggestionsService) {}

  /** One interrupt answers one `{id, suggestionId}`; an array (or `interrupts`) answers an array of them. */
  async create(
    caller: Caller,
    meta: RequestMeta,
    body: unknown,
    query: InterruptTargetQueryDto,
    idempotencyKey: string | undefined,
  ): Promise<CreatedInterrupt | CreatedInterrupt[]> {
    const items = await this.parse(body, query);
    const created: CreatedInterrupt[] = [];
    for (const [index, item] of items.entries()) {
      const key = idempotencyKey && items.length > 1 ? `${idempotencyKey}:${index}` : idempotencyKey;
      const { suggestion } = await this.suggestions.create(caller, meta, key, {
        kind: 'interrupt',
        workflowId: item.workflowId,
        taskId: item.taskId ?? null,
        action: summary(item.interrupt.action_request.action, item.interrupt.description),
        reasoning: item.interrupt.description ?? '',
        payload: { ...item.interrupt },
        confidence: 0,
      });
      created.push({ id: suggestion.id, suggestionId: suggestion.id });
    }
    return Array.isArray(body) || (body as CreateInterruptDto).interrupts ? created : created[0];
  }

  /** The interrupt's state; with `wait` seconds, a long-poll that answers as soon as a human decides. */
  async get(
    caller: Caller,
    meta: RequestMeta,
    id: string,
    waitSeconds = 0,
  ): Promise<ReturnType<typeof interruptState>> {
    const suggestion = await this.suggestions.get(caller, meta, id, waitSeconds);
    if (suggestion.kind !== 'interrupt') throw AppError.notFound('interrupt', id);
    return interruptState(suggestion);
  }

  private async parse(body: unknown, query: InterruptTargetQueryDto) {
    const raw = Array.isArray(body) ? body : [body];
    if (raw.length === 0 || raw.length > MAX_INTERRUPTS_PER_POST) {
      throw new AppError(ErrorCode.ValidationFailed, `Post 1 to ${MAX_INTERRUPTS_PER_POST} interrupts`, {
        details: [{ field: 'body', errors: [`must hold 1 to ${MAX_INTERRUPTS_PER_POST} interrupts`] }],
      });
    }
    const items = [];
    for (const value of raw) {
      const dto = (await this.validation.transform(value, {
        type: 'body',
        metatype: CreateInterruptDto,
      })) as CreateInterruptDto;
      const workflowId = dto.workflowId ?? query.workflowId;
      const taskId = dto.taskId ?? query.taskId ?? null;
      if (!workflowId && !taskId) throw missing('workflowId', 'is required');
      if (dto.interrupts && dto.action_request) {
        throw AppError.badRequest('Send one interrupt (action_request, config) or several (interrupts), not both');
      }
      const interrupts = dto.interrupts ?? [dto];
      for (const interrupt of interrupts) {
        if (!interrupt.action_request) throw missing('action_request', 'is required');
        if (!interrupt.config) throw missing('config', 'is required');
        items.push({
          workflowId,
          taskId,
          interrupt: {
            action_request: interrupt.action_request,
            config: interrupt.config,
            description: interrupt.description ?? null,
          },
        });
      }
    }
    return items;
  }
}

const missing = (field: string, error: string) =>
  new AppError(ErrorCode.ValidationFailed, `Invalid request: ${field}`, { details: [{ field, errors: [error] }] });

/** The queue's one-line summary: the description's first line, else the action's name. */
function summary(action: string, description: string | null | undefined): string {
  const line =
    description
      ?.split('\n')
      .find((text) => text.trim())
      ?.trim() ?? action;
  return line.length > MAX_SUMMARY ? `${line.slice(0, MAX_SUMMARY - 1)}…` : line;
}
