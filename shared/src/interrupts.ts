/**
 * LangGraph Agent Inbox types (langgraph `HumanInterrupt` / `HumanResponse`), as `POST /api/interrupts` takes them
 * and `GET /api/interrupts/:id` answers them. Field names are LangGraph's (snake_case), so a graph forwards them as is.
 */
export interface HumanInterruptConfig {
  allow_ignore: boolean;
  allow_respond: boolean;
  allow_edit: boolean;
  allow_accept: boolean;
}

export interface ActionRequest {
  action: string;
  args: Record<string, unknown>;
}

export interface HumanInterrupt {
  action_request: ActionRequest;
  config: HumanInterruptConfig;
  /** Markdown, rendered safely in the queue and the task drawer. */
  description?: string | null;
}

export type HumanResponse =
  | { type: 'accept'; args: null }
  | { type: 'edit'; args: ActionRequest }
  | { type: 'response'; args: string }
  | { type: 'ignore'; args: null };

/** `POST /api/interrupts` body: one interrupt's fields, or `interrupts` for several (one suggestion each). */
export interface CreateInterruptRequest extends Partial<HumanInterrupt> {
  workflowId: string;
  taskId?: string | null;
  interrupts?: HumanInterrupt[];
}

/** The answer of `POST /api/interrupts` for one interrupt (201); several answer `{items: CreatedInterrupt[]}`. */
export interface CreatedInterrupt {
  id: string;
  suggestionId: string;
}

export type InterruptState = { status: 'pending' } | { status: 'decided'; response: HumanResponse };
