import { randomUUID } from 'node:crypto';
import {
  type RestClient,
  TandemApiError,
  type SUGGESTION_KINDS,
  type Suggestion,
  type Task,
  type TaskStatus,
} from '@tandem/shared';

/** Each long-poll asks the server to wait at most this long (its limit is 60 s). */
const POLL_SECONDS = 30;
/** What `request_approval` and `ask_human` wait for when the caller does not say. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

/** A tool's answer, shaped as MCP's CallToolResult. */
export interface ToolText {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  isError?: boolean;
}

const text = (value: string, isError = false): ToolText => ({
  content: [{ type: 'text', text: value }],
  ...(isError ? { isError } : {}),
});
const json = (value: unknown) => JSON.stringify(value, null, 2);

/** An API refusal is the tool's answer (the agent may correct itself), not a protocol error. */
export async function asTool(work: () => Promise<ToolText>): Promise<ToolText> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TandemApiError) return text(`Tandem refused (${error.status}): ${error.message}`, true);
    return text(`Tandem is unreachable: ${error instanceof Error ? error.message : String(error)}`, true);
  }
}

export interface ApprovalRequest {
  workflowId?: string;
  taskId?: string;
  kind?: (typeof SUGGESTION_KINDS)[number];
  summary: string;
  reasoning?: string;
  payload?: Record<string, unknown>;
  confidence?: number;
  timeoutSeconds?: number;
}

/**
 * The tools, each a call with the agent's own key (so Tandem authorizes and audits it as that agent). Kept free
 * of the MCP SDK so that they read as plain Tandem API use.
 */
export class TandemTools {
  private me: Promise<string> | null = null;

  constructor(private readonly api: RestClient) {}

  /** Posts a suggestion and waits for a human: `approved`, `rejected`, `changes_requested` or `expired`. */
  async requestApproval(request: ApprovalRequest): Promise<ToolText> {
    const workflowId = request.taskId ? request.workflowId : await this.workflowOf(request.workflowId);
    const posted = await this.api.createSuggestion(
      {
        workflowId,
        taskId: request.taskId ?? null,
        kind: request.kind ?? 'custom',
        action: request.summary,
        reasoning: request.reasoning ?? '',
        payload: request.payload ?? {},
        // Unstated confidence is 0, so a workflow's autoApproveAbove never approves it without a human.
        confidence: request.confidence ?? 0,
      },
      randomUUID(),
    );
    const settled = await this.waitFor(posted, request.timeoutSeconds);
    const decision = outcomeOf(settled);
    return text(
      `${decision}\n${json({
        decision,
        suggestionId: settled.id,
        status: settled.status,
        note: settled.decisionNote,
        payload: settled.payload,
        edited: settled.edited,
        decidedBy: settled.decidedByName,
        decidedAt: settled.decidedAt,
        revision: settled.revision,
      })}`,
    );
  }

  /** Asks a question (kind `question`) and answers with the human's text. */
  async askHuman(request: { question: string; workflowId?: string; taskId?: string; timeoutSeconds?: number }) {
    const workflowId = request.taskId ? request.workflowId : await this.workflowOf(request.workflowId);
    const posted = await this.api.createSuggestion(
      { workflowId, taskId: request.taskId ?? null, kind: 'question', payload: { question: request.question } },
      randomUUID(),
    );
    const settled = await this.waitFor(posted, request.timeoutSeconds);
    if (settled.status === 'answered') return text(settled.response ?? '');
    return text(
      `No answer: the question was ${outcomeOf(settled)}${settled.decisionNote ? ` (${settled.decisionNote})` : ''}`,
      true,
    );
  }

  /** Tasks assigned to or claimed by this agent, in the workflows it works on. */
  async listMyTasks(filter: { workflowId?: string; status?: TaskStatus }): Promise<ToolText> {
    const me = await this.myId();
    const workflows = filter.workflowId ? [{ id: filter.workflowId }] : (await this.api.listWorkflows()).items;
    const mine: Task[] = [];
    for (const workflow of workflows) {
      let cursor: string | undefined;
      do {
        const page = await this.api.listTasks(workflow.id, { limit: 500, cursor });
        mine.push(
          ...page.items.filter(
            (task) =>
              (task.agentId === me || task.claimedBy === me) && (!filter.status || task.status === filter.status),
          ),
        );
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return text(json(mine.map(summaryOf)));
  }

  async claimTask(request: { taskId: string; ttlSeconds?: number }): Promise<ToolText> {
    const task = await this.api.claimTask(request.taskId, request.ttlSeconds ? { ttlSeconds: request.ttlSeconds } : {});
    return text(json(summaryOf(task)));
  }

  /** Moves a task; without `version`, against the task as it is now. */
  async moveTask(request: {
    taskId: string;
    status: TaskStatus;
    beforeId?: string;
    afterId?: string;
    version?: number;
  }) {
    const version = request.version ?? (await this.api.getTask(request.taskId)).version;
    const task = await this.api.moveTask(request.taskId, {
      status: request.status,
      beforeId: request.beforeId,
      afterId: request.afterId,
      version,
    });
    return text(json(summaryOf(task)));
  }

  async comment(request: { taskId: string; body: string; parentId?: string }): Promise<ToolText> {
    const comment = await this.api.addComment(request.taskId, { body: request.body, parentId: request.parentId });
    return text(json({ id: comment.id, taskId: comment.taskId, createdAt: comment.createdAt }));
  }

  /** Long-polls until a human settles the suggestion, or withdraws it when the caller's time is up. */
  private async waitFor(suggestion: Suggestion, timeoutSeconds = DEFAULT_TIMEOUT_SECONDS): Promise<Suggestion> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    let current = suggestion;
    while (current.status === 'pending' && !current.changesRequested) {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) {
        try {
          current = await this.api.withdrawSuggestion(current.id);
        } catch (error) {
          // Decided meanwhile (409): answer the decision.
          if (!(error instanceof TandemApiError) || error.status !== 409) throw error;
          current = await this.api.getSuggestion(current.id);
          continue;
        }
        return { ...current, status: 'expired' };
      }
      current = await this.api.getSuggestion(current.id, { wait: Math.min(left, POLL_SECONDS) });
    }
    return current;
  }

  /** The workflow to post to: the one named, else the agent's only workflow. */
  private async workflowOf(workflowId: string | undefined): Promise<string> {
    if (workflowId) return workflowId;
    const workflows = (await this.api.listWorkflows()).items;
    if (workflows.length === 1) return workflows[0].id;
    throw new TandemApiError(400, {
      statusCode: 400,
      error: 'Bad Request',
      message: `Name the workflowId or taskId: this agent works on ${workflows.length} workflows`,
      code: 'validation_failed',
    });
  }

  private myId(): Promise<string> {
    this.me ??= this.api
      .me()
      .then((principal) => (principal.type === 'agent' ? principal.agent.id : principal.user.id));
    return this.me;
  }
}

/** The decision as `request_approval` names it (a withdrawal on timeout is reported as `expired`). */
function outcomeOf(suggestion: Suggestion): string {
  if (suggestion.status === 'pending') return 'changes_requested';
  if (suggestion.status === 'withdrawn') return 'expired';
  return suggestion.status;
}

const summaryOf = (task: Task) => ({
  id: task.id,
  workflowId: task.workflowId,
  title: task.title,
  status: task.status,
  priority: task.priority,
  version: task.version,
  claimedBy: task.claimedBy,
  claimExpiresAt: task.claimExpiresAt,
});
