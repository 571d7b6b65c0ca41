import { plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  validate,
  type ValidationError,
} from 'class-validator';
import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  type FieldError,
  type SuggestionKind,
  type TaskPriority,
  type TaskStatus,
} from '@tandem/shared';
import { AppError, ErrorCode } from '../../../common/app-error';

/** The same limits the tasks module puts on its own create and update bodies. */
const TITLE_MAX = 2000;
const DESCRIPTION_MAX = 50_000;

/** Task fields other than the title (class-validator merges a parent's rules, so the title lives in each child). */
abstract class TaskDetailsPayload {
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @IsOptional()
  @IsDateString()
  dueDate?: string | null;

  @IsOptional()
  @IsUUID()
  agentId?: string | null;

  @IsOptional()
  @IsUUID()
  assigneeUserId?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  labels?: string[];
}

/** `task.update`: a patch of the fields PATCH /api/tasks/:id takes (without the version). */
export class TaskFieldsPayload extends TaskDetailsPayload {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(TITLE_MAX)
  title?: string;
}

/** `task.create`: a new task body; the title is required. */
export class TaskCreatePayload extends TaskDetailsPayload {
  @IsString()
  @MinLength(1)
  @MaxLength(TITLE_MAX)
  title!: string;

  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;
}

/** `task.move`: the column and the neighbours, as POST /api/tasks/:id/move takes them (without the version). */
export class TaskMovePayload {
  @IsIn(TASK_STATUSES)
  status!: TaskStatus;

  @IsOptional()
  @IsUUID()
  beforeId?: string | null;

  @IsOptional()
  @IsUUID()
  afterId?: string | null;
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

const PAYLOAD_CLASSES: Record<Exclude<SuggestionKind, 'custom'>, new () => object> = {
  'task.update': TaskFieldsPayload,
  'task.create': TaskCreatePayload,
  'task.move': TaskMovePayload,
  comment: CommentPayload,
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
