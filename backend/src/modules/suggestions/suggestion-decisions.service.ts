import { Injectable, Logger } from '@nestjs/common';
import type { Approval, HumanInterrupt, WorkflowPolicy } from '@tandem/shared';
import { AppError, ErrorCode } from '../../common/app-error';
import { applyPatch } from '../../common/changes';
import type { Caller, RequestMeta } from '../../common/caller';
import { AuditService } from '../../core/audit.service';
import { WritePath, type WriteTx } from '../../core/write-path.service';
import { TasksService } from '../tasks/tasks.service';
import type { TaskRow } from '../tasks/task-rows';
import { WorkflowsService } from '../workflows/workflows.service';
import { assertDecisionAllowed, editedInterrupt, isEdit } from './decision-rules';
import type { DecideSuggestionDto } from './dto/suggestion.dto';
import { validatePayload } from './dto/suggestion-payloads';
import { SuggestionEntity } from './entities/suggestion.entity';
import { SuggestionApplier } from './suggestion-applier.service';
import { suggestionDraft, toSuggestion } from './suggestion.mapper';

/** 409 for anything but a pending suggestion, saying who decided what and when. */
export function assertPending(suggestion: SuggestionEntity): void {
  if (suggestion.status === 'pending') return;
  throw new AppError(ErrorCode.AlreadyDecided, `This suggestion is already ${suggestion.status}`, {
    current: toSuggestion(suggestion),
    details: {
      status: suggestion.status,
      decidedBy: suggestion.decidedBy,
      decidedByName: suggestion.decidedByName,
      decidedAt: suggestion.decidedAt?.toISOString() ?? null,
      decisionNote: suggestion.decisionNote,
    },
  });
}

/** The system acting for one of the workflow policy's rules (the audit entry's `onBehalfOf`). */
export function systemFor(rule: 'autoApproveAbove' | 'suggestionTtlSeconds'): Caller {
  return { type: 'system', id: null, name: 'system', onBehalfOf: `policy:${rule}` };
}

/** Who completes a decision: a human approver, or the system acting for a policy. */
interface Decider {
  id: string | null;
  name: string;
}

/**
 * Decisions on suggestions (DESIGN 7): approve (optionally edited), reject, request changes; quorum and
 * separation of duties from the workflow policy; auto-approval by the system. The suggestion row is locked for
 * the whole decision, so concurrent deciders queue and exactly one completes it.
 */
@Injectable()
export class SuggestionDecisions {
  private readonly logger = new Logger('SuggestionDecisions');

  constructor(
    private readonly writes: WritePath,
    private readonly audit: AuditService,
    private readonly applier: SuggestionApplier,
    private readonly tasks: TasksService,
    private readonly workflows: WorkflowsService,
  ) {}

  async decide(caller: Caller, meta: RequestMeta, id: string, dto: DecideSuggestionDto) {
    return this.writes.run(caller, meta, async (tx) => {
      const suggestion = await tx.lock(SuggestionEntity, id, 'suggestion');
      assertPending(suggestion);
      this.assertRevision(suggestion, dto.revision);
      if (dto.payload !== undefined && dto.decision !== 'approve') {
        throw AppError.badRequest('Only an approval may carry an edited payload', { decision: dto.decision });
      }
      const payload =
        suggestion.kind === 'interrupt' && dto.payload !== undefined
          ? editedInterrupt(suggestion.payload as unknown as HumanInterrupt, dto.payload)
          : dto.payload;
      assertDecisionAllowed(suggestion.kind, suggestion.payload, { ...dto, payload });
      const policy = await this.policyOf(tx, suggestion);
      const task = suggestion.task ? await this.tasks.find(tx.em, suggestion.task) : null;
      this.assertSeparationOfDuties(caller, meta, suggestion, task, policy);
      const context = this.decisionContext(suggestion, task, policy);
      switch (dto.decision) {
        case 'approve':
          return this.approve(tx, suggestion, { ...dto, payload }, policy, context);
        case 'reject':
          return this.reject(tx, suggestion, dto.note ?? null, context);
        case 'request_changes':
          return this.requestChanges(tx, suggestion, dto.note ?? null, context);
        case 'respond':
          return this.close(tx, suggestion, 'answered', dto.note ?? null, context, dto.response ?? null);
        case 'ignore':
          return this.close(tx, suggestion, 'ignored', dto.note ?? null, context, null);
      }
    });
  }

  /** Every decision names the revision its approver saw; a question or an interrupt has only one, so may omit it. */
  private assertRevision(suggestion: SuggestionEntity, revision: number | undefined): void {
    if (revision === undefined) {
      if (suggestion.kind === 'question' || suggestion.kind === 'interrupt') return;
      throw new AppError(ErrorCode.ValidationFailed, 'Invalid request: revision', {
        details: [{ field: 'revision', errors: ['revision must be an integer number'] }],
      });
    }
    if (revision !== suggestion.revision) {
      throw new AppError(
        ErrorCode.StaleRevision,
        `Revision ${revision} is outdated; the latest is ${suggestion.revision}`,
        {
          current: toSuggestion(suggestion),
        },
      );
    }
  }

  /**
   * `autoApproveAbove`: the system approves a fresh suggestion at once, in its own transaction right after the
   * post. When the typed change does not apply, the suggestion stays pending for a human (fail-closed).
   */
  async autoApprove(meta: RequestMeta, id: string) {
    const system = systemFor('autoApproveAbove');
    try {
      return await this.writes.run(system, meta, async (tx) => {
        const suggestion = await tx.lock(SuggestionEntity, id, 'suggestion');
        if (suggestion.status !== 'pending') return toSuggestion(suggestion);
        const policy = await this.policyOf(tx, suggestion);
        const task = suggestion.task ? await this.tasks.find(tx.em, suggestion.task) : null;
        const context = {
          ...this.decisionContext(suggestion, task, policy),
          rule: `confidence ${suggestion.confidence} > autoApproveAbove ${policy.autoApproveAbove}`,
        };
        return this.complete(tx, suggestion, { id: null, name: 'system' }, null, {}, context);
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== ErrorCode.NotApplicable) throw error;
      this.logger.log(`Suggestion ${id} left pending for a human: ${error.message}`);
      return null;
    }
  }

  private async policyOf(tx: WriteTx, suggestion: SuggestionEntity): Promise<WorkflowPolicy> {
    return (await this.workflows.rules(tx.em, suggestion.workflow))!.policy;
  }

  /** What the approver saw, recorded with every decision (DESIGN 6). */
  private decisionContext(suggestion: SuggestionEntity, task: TaskRow | null, policy: WorkflowPolicy) {
    return {
      revision: suggestion.revision,
      taskVersionSeen: suggestion.taskVersion,
      taskVersionNow: task?.version ?? null,
      payloadSeen: suggestion.payload,
      timeToDecisionMs: Date.now() - suggestion.createdAt.getTime(),
      policy,
    };
  }

  /** `separationOfDuties`: whoever created or last edited the task may not decide suggestions about it. */
  private assertSeparationOfDuties(
    caller: Caller,
    meta: RequestMeta,
    suggestion: SuggestionEntity,
    task: TaskRow | null,
    policy: WorkflowPolicy,
  ): void {
    if (!policy.separationOfDuties || !task || caller.id === null) return;
    if (task.createdBy !== caller.id && task.updatedBy !== caller.id) return;
    throw this.audit.refusal(
      caller,
      meta,
      'separation of duties: the approver created or last edited the task',
      {
        entityType: 'suggestion',
        entityId: suggestion.id,
        workflowId: suggestion.workflow,
        context: { taskId: task.id },
      },
      'Separation of duties: you created or last edited this task, so another approver must decide',
    );
  }

  private async approve(
    tx: WriteTx,
    suggestion: SuggestionEntity,
    dto: DecideSuggestionDto,
    policy: WorkflowPolicy,
    context: Record<string, unknown>,
  ) {
    const caller = tx.caller;
    if (suggestion.approvals.some((approval) => approval.userId === caller.id)) {
      throw new AppError(ErrorCode.Conflict, 'You already approved this suggestion; another approver must', {
        current: toSuggestion(suggestion),
      });
    }
    if (dto.payload !== undefined && isEdit(dto.payload, suggestion.payload)) {
      await validatePayload(suggestion.kind, dto.payload);
      this.reviseByEdit(tx, suggestion, dto.payload, context);
    }
    const approval: Approval = {
      userId: caller.id ?? 'system',
      name: caller.name,
      at: new Date().toISOString(),
      revision: suggestion.revision,
    };
    const approvals = [...suggestion.approvals, approval];
    if (approvals.length >= policy.requiredApprovals) {
      return this.complete(
        tx,
        suggestion,
        { id: caller.id, name: caller.name },
        dto.note ?? null,
        { approvals },
        context,
      );
    }
    const changes = applyPatch(suggestion, { approvals });
    tx.record(
      suggestionDraft(suggestion, 'suggestion.approval_added', changes, {
        ...context,
        approvalsNeeded: policy.requiredApprovals,
      }),
    );
    return toSuggestion(suggestion);
  }

  /**
   * An approval with an edited payload makes a new revision (issue 11): a quorum must approve one exact payload,
   * so the approvals of the revision the editor saw no longer count, and the editor's own approval goes to the new
   * revision (once: the editor cannot approve it again). `context` is updated to the revision approved.
   */
  private reviseByEdit(
    tx: WriteTx,
    suggestion: SuggestionEntity,
    payload: Record<string, unknown>,
    context: Record<string, unknown>,
  ): void {
    const editor = { userId: tx.caller.id ?? 'system', name: tx.caller.name };
    const seen = { revision: suggestion.revision, payload: suggestion.payload };
    const changes = applyPatch(suggestion, { revision: seen.revision + 1, payload, edited: true, approvals: [] });
    suggestion.revisions = [
      ...suggestion.revisions,
      {
        revision: suggestion.revision,
        action: suggestion.action,
        reasoning: suggestion.reasoning,
        payload,
        confidence: suggestion.confidence,
        at: new Date().toISOString(),
        requestNote: null,
        editedBy: editor,
      },
    ];
    const edit = { originalPayload: seen.payload, editedPayload: payload, editedFrom: seen.revision };
    tx.record(
      suggestionDraft(suggestion, 'suggestion.revised', changes, {
        revision: suggestion.revision,
        editedBy: editor,
        ...edit,
      }),
    );
    Object.assign(context, { revision: suggestion.revision, ...edit });
  }

  /** The approval that decides: mark approved and apply a typed kind in this same transaction. */
  private async complete(
    tx: WriteTx,
    suggestion: SuggestionEntity,
    decider: Decider,
    note: string | null,
    patch: Partial<SuggestionEntity>,
    context: Record<string, unknown>,
  ) {
    const changes = applyPatch(suggestion, {
      ...patch,
      status: 'approved',
      decidedBy: decider.id,
      decidedByName: decider.name,
      decidedAt: new Date(),
      decisionNote: note,
      changesRequested: false,
    });
    tx.record(suggestionDraft(suggestion, 'suggestion.approved', changes, context));
    await this.applier.apply(tx, suggestion);
    return toSuggestion(suggestion);
  }

  /** A human's answer in text (`answered`) or dismissal (`ignored`) of a question or an interrupt. */
  private close(
    tx: WriteTx,
    suggestion: SuggestionEntity,
    status: 'answered' | 'ignored',
    note: string | null,
    context: Record<string, unknown>,
    response: string | null,
  ) {
    const changes = applyPatch(suggestion, {
      status,
      response,
      decidedBy: tx.caller.id,
      decidedByName: tx.caller.name,
      decidedAt: new Date(),
      decisionNote: note,
      changesRequested: false,
    });
    tx.record(
      suggestionDraft(
        suggestion,
        status === 'answered' ? 'suggestion.answered' : 'suggestion.ignored',
        changes,
        context,
      ),
    );
    return toSuggestion(suggestion);
  }

  private reject(tx: WriteTx, suggestion: SuggestionEntity, note: string | null, context: Record<string, unknown>) {
    const changes = applyPatch(suggestion, {
      status: 'rejected',
      decidedBy: tx.caller.id,
      decidedByName: tx.caller.name,
      decidedAt: new Date(),
      decisionNote: note,
      changesRequested: false,
    });
    tx.record(suggestionDraft(suggestion, 'suggestion.rejected', changes, context));
    return toSuggestion(suggestion);
  }

  /** The suggestion stays pending until the agent posts the next revision. */
  private requestChanges(
    tx: WriteTx,
    suggestion: SuggestionEntity,
    note: string | null,
    context: Record<string, unknown>,
  ) {
    const changes = applyPatch(suggestion, { changesRequested: true, decisionNote: note });
    tx.record(suggestionDraft(suggestion, 'suggestion.changes_requested', changes, context));
    return toSuggestion(suggestion);
  }
}
