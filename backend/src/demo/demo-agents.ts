import { randomUUID } from 'node:crypto';
import { TandemApiError, TandemClient, type Suggestion, type Task, type TaskStatus } from '@tandem/shared';

export const DEMO_WORKFLOW_NAME = 'Demo: launch the team blog';

export interface DemoOptions {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** Average pause between two actions of one agent (default 5 s: a gentle pace a person can follow). */
  paceMs?: number;
  /** Average time between two comments of one agent (default a minute, ±20 %), whatever its pace. */
  commentEveryMs?: number;
  log?: (line: string) => void;
}

export interface RunningDemo {
  workflowId: string;
  agentIds: string[];
  stop(): Promise<void>;
}

const TASK_IDEAS = [
  'Pick a name for the blog',
  'Draft the welcome post',
  'Choose a colour scheme',
  'Write the about page',
  'Set up the RSS feed',
  'Collect three guest authors',
  'Plan the first month of posts',
  'Proofread the launch announcement',
  'Add social sharing buttons',
  'Write the privacy notice',
];

/** A round's titles: the first round is the checklist, later rounds say which round they belong to. */
export function roundTitles(round: number): string[] {
  return TASK_IDEAS.map((title) => (round === 1 ? title : `${title} (round ${round})`));
}

/**
 * The round being worked on: the first whose tasks are not all completed. Once every task of a round is done,
 * the workflow has run to done and the planner starts the next round.
 */
export function currentRound(board: Task[]): number {
  const completed = new Set(board.filter((task) => task.status === 'completed').map((task) => task.title));
  let round = 1;
  while (roundTitles(round).every((title) => completed.has(title))) round += 1;
  return round;
}

/** A comment about once a minute per agent (with some jitter), not one per step. */
export const COMMENT_EVERY_MS = 60_000;

/** The wait before an agent's next comment: `every` ±20 %. */
export const commentGap = (every: number) => every * (0.8 + Math.random() * 0.4);

const COMMENTS = [
  'Started on this; first notes are in the draft.',
  'Looks good to me so far.',
  'I found two typos and fixed them.',
  'Blocked until the name is chosen.',
  'Half done, the rest after lunch.',
];

/** Next column a card moves to as work progresses. */
const NEXT: Partial<Record<TaskStatus, TaskStatus>> = { pending: 'in_progress', in_progress: 'review' };

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** Each simulated agent is a role with one step; steps only use what any agent gets: `TandemClient`. */
interface DemoAgent {
  name: string;
  description: string;
  step(
    client: TandemClient,
    workflowId: string,
    /** Resolves once the suggestion is posted (so the next step sees it); the decision is awaited apart. */
    ask: (body: Parameters<TandemClient['createSuggestion']>[0]) => Promise<void>,
  ): Promise<void>;
}

const AGENTS: DemoAgent[] = [
  {
    name: 'demo-planner',
    description: 'Simulated agent: plans the work and adds tasks',
    async step(client, workflowId, ask) {
      // Never propose what exists already, or what is already waiting for a human as a `task.create`. The pending
      // ones are read first: one approved between the two reads is then on the board (read the other way round, it
      // would be in neither and proposed twice).
      const proposed = (await client.listSuggestions({ workflowId, status: 'pending', limit: 500 })).items
        .filter((suggestion) => suggestion.kind === 'task.create')
        .map((suggestion) => suggestion.payload.title);
      const board = (await client.listTasks(workflowId)).items;
      const open = board.filter((task) => task.status !== 'completed' && task.status !== 'failed');
      const taken = new Set<unknown>([...board.map((task) => task.title), ...proposed]);
      const missing = roundTitles(currentRound(board)).filter((title) => !taken.has(title));
      if (open.length >= 8 || missing.length === 0) return;
      const title = pick(missing);
      // Every other idea goes through a human first.
      if (Math.random() < 0.5)
        await client.createTask(workflowId, { title, priority: pick(['high', 'medium', 'low']) });
      else
        await ask({
          workflowId,
          kind: 'task.create',
          action: `Add a task: ${title}`,
          reasoning: 'It is on the launch checklist and nobody has it yet.',
          payload: { title, priority: 'medium', labels: ['launch'] },
          confidence: 0.6,
        });
    },
  },
  {
    name: 'demo-writer',
    description: 'Simulated agent: picks up tasks and moves them along the board',
    async step(client, workflowId, ask) {
      const board = (await client.listTasks(workflowId)).items;
      const movable = board.filter((task) => NEXT[task.status] && task.pendingSuggestions === 0);
      if (movable.length === 0) return;
      const task = pick(movable);
      const status = NEXT[task.status]!;
      // Starting work is the agent's call; handing over for review asks a human.
      if (status === 'in_progress') await client.moveTask(task.id, { status, version: task.version });
      else
        await ask({
          taskId: task.id,
          kind: 'task.move',
          action: `Move "${task.title}" to review`,
          reasoning: 'The work is done and ready for a second pair of eyes.',
          payload: { status },
          confidence: 0.75,
        });
    },
  },
  {
    name: 'demo-reviewer',
    description: 'Simulated agent: reviews work and proposes finishing touches',
    async step(client, workflowId, ask) {
      const board = (await client.listTasks(workflowId)).items;
      const inReview = board.filter((task: Task) => task.status === 'review' && task.pendingSuggestions === 0);
      if (inReview.length && Math.random() < 0.6) {
        const task = pick(inReview);
        await ask({
          taskId: task.id,
          kind: 'task.move',
          action: `Mark "${task.title}" as completed`,
          reasoning: 'Reviewed: it meets the checklist.',
          payload: { status: 'completed' },
          confidence: 0.7,
        });
      }
    },
  },
];

/** A note on a task in progress or in review, as each agent leaves now and then (see `commentEveryMs`). */
async function comment(client: TandemClient, workflowId: string): Promise<boolean> {
  const active = (await client.listTasks(workflowId)).items.filter(
    (task) => task.status === 'in_progress' || task.status === 'review',
  );
  if (!active.length) return false;
  await client.addComment(pick(active).id, { body: pick(COMMENTS) });
  return true;
}

/** Registers the agent, or gives an existing demo agent of that name a fresh key (keys are shown only once). */
async function agentKey(admin: TandemClient, agent: DemoAgent): Promise<{ id: string; key: string }> {
  const existing = (await admin.listAgents({ limit: 500 })).items.find(
    (row) => row.name === agent.name && !row.revoked,
  );
  const { agent: registered, apiKey } = existing
    ? await admin.rotateAgentKey(existing.id)
    : await admin.registerAgent({ name: agent.name, description: agent.description, capabilities: ['demo'] });
  return { id: registered.id, key: apiKey };
}

/**
 * Starts two or three simulated agents on a demo workflow (created through the admin API if missing), so the
 * board and the approval queue come alive. They create and move tasks, comment, and ask for approval, waiting
 * for the human's decision by long-poll exactly as a real agent would.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const log = options.log ?? ((line: string) => console.log(`[demo] ${line}`));
  const paceMs = options.paceMs ?? 5000;
  const commentEveryMs = options.commentEveryMs ?? COMMENT_EVERY_MS;
  const admin = new TandemClient({ baseUrl: options.baseUrl });
  await admin.login({ email: options.adminEmail, password: options.adminPassword });
  const workflows = (await admin.listWorkflows({ limit: 500 })).items;
  const workflow =
    workflows.find((row) => row.name === DEMO_WORKFLOW_NAME) ??
    (await admin.createWorkflow({
      name: DEMO_WORKFLOW_NAME,
      description: 'Simulated agents at work. Approve or reject their suggestions in the queue.',
      status: 'running',
      policy: { requiredApprovals: 1, suggestionTtlSeconds: 15 * 60 },
    }));
  const agents = [];
  for (const agent of AGENTS) agents.push({ ...agent, ...(await agentKey(admin, agent)) });
  const agentIds = [...new Set([...workflow.agentIds, ...agents.map((agent) => agent.id)])];
  await admin.assignAgents(workflow.id, { agentIds });
  await admin.logout();

  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const polls = new AbortController();
  const report = (name: string, error: unknown) => {
    if (stopped) return;
    // Conflicts are part of the game (a human moved the card first); anything else is worth a line.
    if (error instanceof TandemApiError && error.status === 409) return;
    log(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  };

  const clients: TandemClient[] = [];
  for (const agent of agents) {
    const client = new TandemClient({ baseUrl: options.baseUrl, token: agent.key });
    // Connected like a real agent, so the board and the agents page show it online while it works.
    client.connect();
    clients.push(client);
    // A status that cannot be sent (socket still connecting) never holds the agent up.
    const status = (value: 'busy' | 'idle') =>
      Promise.race([client.setStatus(value), new Promise((resolve) => setTimeout(resolve, 2000))]).catch(
        () => undefined,
      );
    /** Posts a suggestion and waits for the human in the background, re-polling through the 60 s limit. */
    const ask = async (body: Parameters<TandemClient['createSuggestion']>[0]) => {
      let suggestion: Suggestion = await client.createSuggestion(body, randomUUID());
      log(`${agent.name} asks: ${suggestion.action}`);
      void (async () => {
        while (!stopped && suggestion.status === 'pending' && !suggestion.changesRequested) {
          suggestion = await client.getSuggestion(suggestion.id, { wait: 30, signal: polls.signal });
        }
        if (!stopped) log(`${agent.name} heard: "${suggestion.action}" was ${suggestion.status}`);
      })().catch((error: unknown) => report(agent.name, error));
    };
    // Each agent's own comment clock: its first note comes a gap after it starts, the next a gap after that.
    let nextComment = Date.now() + commentGap(commentEveryMs);
    const step = async () => {
      await agent.step(client, workflow.id, ask);
      if (Date.now() >= nextComment && (await comment(client, workflow.id)))
        nextComment = Date.now() + commentGap(commentEveryMs);
    };
    const loop = () => {
      if (stopped) return;
      void status('busy')
        .then(step)
        .catch((error: unknown) => report(agent.name, error))
        .finally(() => {
          if (stopped) return;
          void status('idle');
          const timer = setTimeout(
            () => {
              timers.delete(timer);
              loop();
            },
            paceMs * (0.6 + Math.random() * 0.8),
          );
          timers.add(timer);
        });
    };
    const first = setTimeout(loop, Math.random() * paceMs);
    timers.add(first);
  }
  log(`${agents.length} simulated agents are working on "${workflow.name}"`);

  return {
    workflowId: workflow.id,
    agentIds: agents.map((agent) => agent.id),
    async stop() {
      stopped = true;
      timers.forEach((timer) => clearTimeout(timer));
      polls.abort();
      clients.forEach((client) => client.disconnect());
      await Promise.resolve();
    },
  };
}
