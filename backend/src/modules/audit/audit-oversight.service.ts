import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { ApproverOversight, AuditOversight, OversightStats, WorkflowOversight } from '@tandem/shared';
import type { AuditOversightDto } from './dto/audit-admin.dto';

/** This many fast approvals by one approver in the period raise the rubber-stamp warning. */
export const RUBBER_STAMP_MIN_APPROVALS = 5;
const DEFAULT_RUBBER_STAMP_SECONDS = 10;

type StatsRow = {
  approvals: string;
  rejections: string;
  changes_requested: string;
  edits: string;
  median_ms: number | null;
};

/**
 * Counts per suggestion (entity_id), so a decision recorded twice never counts twice. `approvalActions`: which
 * entries are approvals (per approver each `approval_added` counts; per workflow only the final `approved`).
 */
const statsColumns = (approvalActions: string) => `
  count(distinct entity_id) filter (where action in (${approvalActions})) as approvals,
  count(distinct entity_id) filter (where action = 'suggestion.rejected') as rejections,
  count(*) filter (where action = 'suggestion.changes_requested') as changes_requested,
  count(distinct entity_id) filter (where action in (${approvalActions})
    and context->'editedPayload' is not null) as edits,
  percentile_cont(0.5) within group (order by (context->>'timeToDecisionMs')::float8) as median_ms`;
const ANY_APPROVAL = `'suggestion.approved', 'suggestion.approval_added'`;
const FINAL_APPROVAL = `'suggestion.approved'`;

function stats(row: StatsRow): OversightStats {
  const approvals = Number(row.approvals);
  const rejections = Number(row.rejections);
  const changesRequested = Number(row.changes_requested);
  return {
    approvals,
    rejections,
    changesRequested,
    edits: Number(row.edits),
    decisions: approvals + rejections + changesRequested,
    medianTimeToDecisionMs: row.median_ms === null ? null : Math.round(Number(row.median_ms)),
  };
}

/**
 * Human oversight metrics (EU AI Act art. 14), derived from the decision entries of the audit log alone
 * (`suggestion.*` with `context.timeToDecisionMs`, see DecisionContext).
 */
@Injectable()
export class AuditOversightService {
  constructor(private readonly orm: MikroORM) {}

  async oversight(query: AuditOversightDto): Promise<AuditOversight> {
    const rubberStampSeconds = query.rubberStampSeconds ?? DEFAULT_RUBBER_STAMP_SECONDS;
    const clauses = [
      `action in ('suggestion.approved', 'suggestion.approval_added', 'suggestion.rejected',
        'suggestion.changes_requested')`,
      `outcome = 'success'`,
    ];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      clauses.push(clause);
      params.push(value);
    };
    if (query.from) add('at >= ?', query.from);
    if (query.to) add('at <= ?', query.to);
    if (query.workflowId) add('workflow_id = ?', query.workflowId);
    const where = clauses.join(' and ');
    const em = this.orm.em.fork();

    const approverRows = await em.execute<(StatsRow & { actor_id: string; actor_name: string; fast: string })[]>(
      `select actor_id, (array_agg(actor_name order by seq desc))[1] as actor_name, ${statsColumns(ANY_APPROVAL)},
         count(distinct entity_id) filter (where action in (${ANY_APPROVAL})
           and (context->>'timeToDecisionMs')::float8 < ?) as fast
       from audit_log where ${where} and actor_type = 'human' group by actor_id order by actor_id`,
      [rubberStampSeconds * 1000, ...params],
    );
    const approvers: ApproverOversight[] = approverRows.map((row) => ({
      approverId: row.actor_id,
      approverName: row.actor_name,
      ...stats(row),
      fastApprovals: Number(row.fast),
      rubberStampWarning: Number(row.fast) >= RUBBER_STAMP_MIN_APPROVALS,
    }));

    // Per workflow, only final decisions count (`approved`, not each `approval_added` of a multi-approver policy).
    const workflowRows = await em.execute<(StatsRow & { workflow_id: string; auto: string })[]>(
      `select workflow_id, ${statsColumns(FINAL_APPROVAL)},
         count(distinct entity_id) filter (where action = 'suggestion.approved' and actor_type = 'system') as auto
       from audit_log where ${where} and action <> 'suggestion.approval_added' and workflow_id is not null
       group by workflow_id order by workflow_id`,
      params,
    );
    const workflows: WorkflowOversight[] = workflowRows.map((row) => {
      const base = stats(row);
      const auto = Number(row.auto);
      return {
        workflowId: row.workflow_id,
        ...base,
        autoApproved: auto,
        autoApprovedShare: base.approvals ? auto / base.approvals : null,
      };
    });
    return {
      from: query.from ?? null,
      to: query.to ?? null,
      rubberStampSeconds,
      rubberStampMinApprovals: RUBBER_STAMP_MIN_APPROVALS,
      approvers,
      workflows,
    };
  }
}
