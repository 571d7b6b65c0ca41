/** Shapes of the audit API beyond the entry itself (DESIGN 6, 9). Types only: safe for the browser bundle. */
import type { ActorType, AuditOutcome, EntityType } from './vocabulary.js';

/** Filters of audit search, export and verify (DESIGN 6). `from`/`to` are ISO times. */
export interface AuditFilter {
  from?: string;
  to?: string;
  actorType?: ActorType;
  actorId?: string;
  /** Exact (`task.moved`) or a prefix (`suggestion.*`). */
  action?: string;
  entityType?: EntityType;
  entityId?: string;
  workflowId?: string;
  outcome?: AuditOutcome;
}

/** The filter an export was made with (search, export and manifest take the same). */
export interface AuditExportFilter extends AuditFilter {
  /** Seq bounds (inclusive): pin an export so its CSV and its manifest describe the same entries. */
  fromSeq?: string;
  toSeq?: string;
}

/**
 * Why verification failed: `truncated` when an entry that was issued (below the highest seq ever issued or a
 * signed checkpoint) is missing; `mismatch` when an entry differs from its hash, its predecessor's hash or a
 * signed checkpoint.
 */
export type AuditVerifyReason = 'truncated' | 'mismatch';

/** `GET /api/audit/verify?from=&to=` (seqs). */
export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenSeq?: number;
  reason?: AuditVerifyReason;
  /** What exactly breaks at `firstBrokenSeq`, for a person. */
  detail?: string;
}

/** What a checkpoint signs: the audit head at a moment. */
export interface AuditCheckpointHead {
  seq: number;
  hash: string;
  at: string;
}

/**
 * A signed checkpoint (`GET /api/audit/checkpoints`, one line each in the checkpoint file, the `audit.checkpoint`
 * ephemeral event): `signature` is the base64 Ed25519 signature of the JSON text `{"seq":…,"hash":"…","at":"…"}`.
 */
export interface AuditCheckpoint extends AuditCheckpointHead {
  signature: string;
}

/** `GET /api/audit/public-key`: the key that verifies checkpoints. */
export interface AuditPublicKey {
  algorithm: 'ed25519';
  /** SPKI, PEM. */
  publicKey: string;
}

/** The last line of an NDJSON export (`{manifest}`), and `GET /api/audit/export/manifest` for a CSV export. */
export interface AuditExportManifest {
  filter: AuditExportFilter;
  count: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** prev_hash of the first exported entry: the anchor an unfiltered export chains from. */
  firstPrevHash: string | null;
  lastHash: string | null;
  exportedAt: string;
}

/**
 * What a decision entry (`suggestion.approved|rejected|changes_requested|approval_added`, entity = the suggestion)
 * carries in `context`: what the approver saw, and how long the suggestion waited. The oversight metrics read it.
 */
export interface DecisionContext {
  /** The revision decided on, its payload as the approver saw it, and the task version it was made against. */
  revision: number;
  payloadSeen: unknown;
  taskVersionSeen: number | null;
  taskVersionNow: number | null;
  /** Milliseconds from the suggestion's creation to this decision. */
  timeToDecisionMs: number;
  /** The workflow policy in force (for `system` decisions: the one that decided, e.g. `autoApproveAbove`). */
  policy?: Record<string, unknown>;
  /** Present when the approver edited the payload before approving. */
  originalPayload?: unknown;
  editedPayload?: unknown;
}

/** `POST /api/audit/retention {before}`. */
export interface AuditRetentionRequest {
  /** ISO time: entries older than this are archived then removed; refused unless older than the retention floor. */
  before: string;
}
export interface AuditRetentionResult {
  removed: number;
  /** The last removed entry: verification of what remains starts from its hash. */
  anchor: { seq: number; hash: string } | null;
  archiveFile: string | null;
}

export interface OversightStats {
  approvals: number;
  rejections: number;
  changesRequested: number;
  /** Approvals whose payload the approver edited. */
  edits: number;
  decisions: number;
  medianTimeToDecisionMs: number | null;
}

export interface ApproverOversight extends OversightStats {
  approverId: string;
  approverName: string;
  /** Approvals decided in under `rubberStampSeconds`. */
  fastApprovals: number;
  rubberStampWarning: boolean;
}

export interface WorkflowOversight extends OversightStats {
  workflowId: string;
  autoApproved: number;
  /** Share of approvals made by the system (policy `autoApproveAbove`), 0..1; null without approvals. */
  autoApprovedShare: number | null;
}

/** `GET /api/audit/oversight` (EU AI Act art. 14: is the human oversight real?). */
export interface AuditOversight {
  from: string | null;
  to: string | null;
  rubberStampSeconds: number;
  rubberStampMinApprovals: number;
  approvers: ApproverOversight[];
  workflows: WorkflowOversight[];
}
