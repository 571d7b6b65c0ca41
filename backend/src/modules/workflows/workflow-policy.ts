import type { WorkflowPolicy } from '@tandem/shared';

export const DEFAULT_POLICY: WorkflowPolicy = {
  requiredApprovals: 1,
  autoApproveAbove: null,
  suggestionTtlSeconds: null,
  separationOfDuties: false,
};

/** A workflow's policy with the defaults for whatever it does not set. */
export const effectivePolicy = (workflow: { policy: Partial<WorkflowPolicy> }): WorkflowPolicy => ({
  ...DEFAULT_POLICY,
  ...workflow.policy,
});
