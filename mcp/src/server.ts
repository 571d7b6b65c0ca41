import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { RestClient, SUGGESTION_KINDS, TASK_STATUSES } from '@tandem/shared';
import { z } from 'zod';
import { asTool, DEFAULT_TIMEOUT_SECONDS, TandemTools } from './tools.js';

export interface TandemMcpOptions {
  /** The Tandem server's root URL (no `/api`), e.g. `http://localhost:3000`. */
  url: string;
  /** The agent's API key (`tdm_...`): every tool call acts as this agent. */
  apiKey: string;
}

const uuid = z.string().uuid();

/** The MCP server: six tools over Tandem's REST API, as the agent whose key it holds. */
export function createTandemMcpServer(options: TandemMcpOptions): McpServer {
  const tools = new TandemTools(new RestClient({ baseUrl: options.url.replace(/\/+$/, ''), token: options.apiKey }));
  const server = new McpServer({ name: 'tandem', version: '0.1.0' });

  server.registerTool(
    'request_approval',
    {
      description:
        'Ask a human to approve an action before you take it. Waits for the decision and answers its name ' +
        '(approved, rejected, changes_requested, expired) on the first line, then the decision as JSON (with the ' +
        'payload to carry out: the human may have edited it, and a note).',
      inputSchema: {
        workflowId: uuid.optional().describe('The workflow (optional when taskId is given or you work on one only)'),
        taskId: uuid.optional().describe('The task the action is about'),
        kind: z.enum(SUGGESTION_KINDS).optional().describe('Suggestion kind (default custom: you carry it out)'),
        summary: z.string().min(1).max(500).describe('One line: what you want to do'),
        reasoning: z.string().max(20000).optional().describe('Why'),
        payload: z.record(z.string(), z.unknown()).optional().describe('The details of the action'),
        confidence: z.number().min(0).max(1).optional(),
        timeoutSeconds: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe(`How long to wait (default ${DEFAULT_TIMEOUT_SECONDS}); then the request is withdrawn: expired`),
      },
    },
    (args) => asTool(() => tools.requestApproval(args)),
  );

  server.registerTool(
    'ask_human',
    {
      description: 'Ask a human a question and wait for the answer in text.',
      inputSchema: {
        question: z.string().min(1).max(20000),
        workflowId: uuid.optional(),
        taskId: uuid.optional(),
        timeoutSeconds: z.number().int().min(1).optional(),
      },
    },
    (args) => asTool(() => tools.askHuman(args)),
  );

  server.registerTool(
    'list_my_tasks',
    {
      description: 'The tasks assigned to or claimed by you, in the workflows you work on.',
      inputSchema: { workflowId: uuid.optional(), status: z.enum(TASK_STATUSES).optional() },
    },
    (args) => asTool(() => tools.listMyTasks(args)),
  );

  server.registerTool(
    'claim_task',
    {
      description: 'Claim a task before working on it (a lease; claim again to renew).',
      inputSchema: { taskId: uuid, ttlSeconds: z.number().int().min(1).optional() },
    },
    (args) => asTool(() => tools.claimTask(args)),
  );

  server.registerTool(
    'move_task',
    {
      description: 'Move a task to a board column (pending, in_progress, review, completed, failed).',
      inputSchema: {
        taskId: uuid,
        status: z.enum(TASK_STATUSES),
        beforeId: uuid.optional(),
        afterId: uuid.optional(),
        version: z.number().int().min(1).optional().describe('The version you saw (default: the current one)'),
      },
    },
    (args) => asTool(() => tools.moveTask(args)),
  );

  server.registerTool(
    'comment',
    {
      description: 'Comment on a task (markdown).',
      inputSchema: { taskId: uuid, body: z.string().min(1).max(20000), parentId: uuid.optional() },
    },
    (args) => asTool(() => tools.comment(args)),
  );

  return server;
}
