import { plainToInstance } from 'class-transformer';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
  validate,
  type ValidationError,
} from 'class-validator';
import type { ActionRequest, FieldError, HumanInterrupt, HumanInterruptConfig, SuggestionKind } from '@tandem/shared';
import { AppError, ErrorCode } from '../../../common/app-error';
import { CreateTaskDto, TaskDetailsDto, TaskPlacementDto, TITLE_MAX } from '../../tasks/dto/task.dto';

/** `task.update`: a patch of the fields PATCH /api/tasks/:id takes (without the version). */
export class TaskFieldsPayload extends TaskDetailsDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(TITLE_MAX)
  title?: string;
}

/** `comment`: the comment the agent wants to post. */
export class CommentPayload {
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  body!: string;

  @IsOptional()
  @IsUUID()
  parentId?: string | null;
}

/** `question`: what the agent asks; a human answers in text (`respond`). */
export class QuestionPayload {
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  question!: string;
}

export class ActionRequestPayload implements ActionRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  action!: string;

  @IsObject()
  args!: Record<string, unknown>;
}

export class InterruptConfigPayload implements HumanInterruptConfig {
  @IsBoolean()
  allow_ignore!: boolean;

  @IsBoolean()
  allow_respond!: boolean;

  @IsBoolean()
  allow_edit!: boolean;

  @IsBoolean()
  allow_accept!: boolean;
}

/** `interrupt`: a LangGraph HumanInterrupt, kept as the agent sent it. */
export class InterruptPayload implements HumanInterrupt {
  @ValidateNested()
  @Type(() => ActionRequestPayload)
  action_request!: ActionRequestPayload;

  @ValidateNested()
  @Type(() => InterruptConfigPayload)
  config!: InterruptConfigPayload;

  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string | null;
}

/** Each typed kind's payload class; `task.create` takes the same body as POST /api/workflows/:id/tasks. */
const PAYLOAD_CLASSES: Record<Exclude<SuggestionKind, 'custom'>, new () => object> = {
  'task.update': TaskFieldsPayload,
  'task.create': CreateTaskDto,
  'task.move': TaskPlacementDto,
  comment: CommentPayload,
  question: QuestionPayload,
  interrupt: InterruptPayload,
};

function flatten(errors: ValidationError[], prefix: string): FieldError[] {
  return errors.flatMap((error) => {
    const field = `${prefix}.${error.property}`;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Validates a typed kind's payload when it is posted, revised or edited by an approver, so a patch of unknown
 * fields is refused then and not at approval. `custom` payloads are the agent's own business: any JSON object.
 */
export async function validatePayload(kind: SuggestionKind, payload: Record<string, unknown>): Promise<void> {
  if (kind === 'custom') return;
  const instance = plainToInstance(PAYLOAD_CLASSES[kind], payload);
  const details = flatten(
    await validate(instance, { whitelist: true, forbidNonWhitelisted: true, skipMissingProperties: false }),
    'payload',
  );
  if (kind === 'task.update' && Object.keys(payload).length === 0) {
    details.push({ field: 'payload', errors: ['task.update needs at least one field to change'] });
  }
  if (details.length) {
    throw new AppError(
      ErrorCode.ValidationFailed,
      `Invalid ${kind} payload: ${details.map((d) => d.field).join(', ')}`,
      {
        details,
      },
    );
  }
}
