import { Injectable } from '@nestjs/common';
import type { CreateTaskRequest } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import type { WriteTx } from '../../core/write-path.service';
import { AgentsService } from '../agents/agents.service';
import { CommentsService } from '../comments/comments.service';
import { TasksService } from '../tasks/tasks.service';
import type { TaskRow } from '../tasks/task-rows';
import { WorkflowsService } from '../workflows/workflows.service';
import type { TaskPlacementDto } from '../tasks/dto/task.dto';
import type { CommentPayload, TaskFieldsPayload } from './dto/suggestion-payloads';
import type { SuggestionEntity } from './entities/suggestion.entity';

const notApplicable = (reason: string) => new AppError(ErrorCode.NotApplicable, reason, { details: { reason } });

/**
 * Carries out an approved typed suggestion inside the approving transaction, through the tasks and comments
 * services, whose own audit entries carry `{suggestionId}`. A change that no longer fits the board (task deleted,
 * task changed since, neighbour gone, limits) is 409 `not_applicable`, and the whole decision rolls back.
 * `custom`, `interrupt` and `question` suggestions are the agent's to carry out after it hears the decision.
 */
@Injectable()
export class SuggestionApplier {
  constructor(
    private readonly tasks: TasksService,
    private readonly comments: CommentsService,
    private readonly agents: AgentsService,
    private readonly workflows: WorkflowsService,
  ) {}

  async apply(tx: WriteTx, suggestion: SuggestionEntity): Promise<void> {
    // The agent carries these out (or acts on the answer) itself.
    if (suggestion.kind === 'custom' || suggestion.kind === 'interrupt' || suggestion.kind === 'question') return;
    const context = { suggestionId: suggestion.id };
    try {
      switch (suggestion.kind) {
        case 'task.create': {
          const workflow = await this.workflows.find(tx.em, suggestion.workflow);
          if (!workflow || workflow.archivedAt) throw notApplicable('The workflow is archived');
          await this.tasks.createInTx(
            tx,
            suggestion.workflow,
            suggestion.payload as unknown as CreateTaskRequest,
            context,
          );
          return;
        }
        case 'task.update': {
          const task = await this.unchangedTask(tx, suggestion);
          await this.tasks.updateInTx(tx, task.id, suggestion.payload as TaskFieldsPayload, task.version, context);
          return;
        }
        case 'task.move': {
          const task = await this.unchangedTask(tx, suggestion);
          const move = suggestion.payload as unknown as TaskPlacementDto;
          await this.assertNeighbours(tx, task, move);
          const target = { status: move.status, beforeId: move.beforeId ?? null, afterId: move.afterId ?? null };
          await this.tasks.moveInTx(tx, task.id, target, task.version, context);
          return;
        }
        case 'comment': {
          const task = await this.liveTask(tx, suggestion);
          const comment = suggestion.payload as unknown as CommentPayload;
          if (comment.parentId) {
            const parent = await this.comments.findOnTask(tx.em, comment.parentId, task.id);
            if (!parent || parent.deletedAt) throw notApplicable('The comment it replies to was deleted');
          }
          const agent = (await this.agents.find(tx.em, suggestion.agent))!;
          await this.comments.addInTx(
            tx,
            task.id,
            { body: comment.body, parentId: comment.parentId ?? null },
            { type: 'agent', id: agent.id, name: agent.name },
            context,
          );
          return;
        }
      }
    } catch (error) {
      // Whatever the tasks or comments rules refuse now (WIP limit, claim, bad neighbour) means it no longer applies.
      if (
        error instanceof AppError &&
        error.code !== ErrorCode.NotApplicable &&
        [400, 404, 409].includes(error.status)
      ) {
        throw notApplicable(`The change no longer applies: ${error.message}`);
      }
      throw error;
    }
  }

  private async liveTask(tx: WriteTx, suggestion: SuggestionEntity): Promise<TaskRow> {
    const task = suggestion.task ? await this.tasks.lock(tx, suggestion.task) : null;
    if (!task || task.deletedAt) throw notApplicable('The task was deleted');
    return task;
  }

  /** task.update and task.move were made against one version of the task; any change since voids them. */
  private async unchangedTask(tx: WriteTx, suggestion: SuggestionEntity): Promise<TaskRow> {
    const task = await this.liveTask(tx, suggestion);
    if (task.version !== suggestion.taskVersion) {
      throw notApplicable(
        `The task changed since the suggestion (version ${suggestion.taskVersion} then, ${task.version} now)`,
      );
    }
    return task;
  }

  private async assertNeighbours(tx: WriteTx, task: TaskRow, move: TaskPlacementDto): Promise<void> {
    for (const id of [move.beforeId, move.afterId]) {
      if (!id) continue;
      const neighbour = await this.tasks.find(tx.em, id);
      if (
        !neighbour ||
        neighbour.deletedAt ||
        neighbour.workflow !== task.workflow ||
        neighbour.status !== move.status
      ) {
        throw notApplicable(`The neighbour task ${id} is no longer in the ${move.status} column`);
      }
    }
  }
}
