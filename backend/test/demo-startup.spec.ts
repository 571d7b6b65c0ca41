import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { AuditEntry, Comment, Suggestion, Task, Workflow } from '@tandem/shared';
import { COMMENT_EVERY_MS, currentRound, DEMO_WORKFLOW_NAME, roundTitles } from '../src/demo/demo-agents';
import { startTandem, type RunningTandem } from '../src/start';
import { CREDENTIALS_FILE } from '../src/startup-banner';
import { freePort } from '../../scripts/cluster-lib.mjs';

const COMMENT_EVERY = 2000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/**
 * `npm start` on the embedded database, as a person runs it (in process, its output collected): the box, the saved
 * credentials, the demo agents' pace, a workflow run to done and the next round, and a restart that resumes it.
 */
describe('npm start with the demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-start-'));
  const saved = { ...process.env };
  const output: string[] = [];
  const sink = { write: (text: string) => void output.push(text) };
  let tandem: RunningTandem | undefined;
  let http: ReturnType<typeof request>;
  let token: string;
  let workflow: Workflow;

  const board = async () =>
    (await http.get(`/api/workflows/${workflow.id}/tasks`).set('Authorization', `Bearer ${token}`).expect(200)).body
      .items as Task[];
  /** Approves every pending suggestion of the demo workflow (one decided meanwhile answers 409: skipped). */
  const approveAll = async () => {
    const pending = (
      await http
        .get('/api/suggestions')
        .query({ workflowId: workflow.id, status: 'pending', limit: 100 })
        .set('Authorization', `Bearer ${token}`)
        .expect(200)
    ).body.items as Suggestion[];
    for (const suggestion of pending) {
      await http
        .post(`/api/suggestions/${suggestion.id}/decision`)
        .set('Authorization', `Bearer ${token}`)
        .send({ decision: 'approve', revision: suggestion.revision });
    }
  };
  const box = () => output.filter((chunk) => chunk.includes('╭')).at(-1) ?? '';
  const last = () => output.filter((chunk) => chunk.trim()).at(-1) ?? '';

  beforeAll(async () => {
    for (const key of ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'REDIS_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'DEMO'])
      delete process.env[key];
    Object.assign(process.env, {
      TANDEM_DATA_DIR: join(dataDir, '.tandem'),
      PORT: String(await freePort()),
      DEMO_PACE_MS: '100',
      DEMO_COMMENT_EVERY_MS: String(COMMENT_EVERY),
      LOG_LEVEL: 'info',
    });
  });

  afterAll(async () => {
    await tandem?.stop();
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends its output with the URL and the admin credentials in a box, also saved owner-only in the data folder', async () => {
    tandem = await startTandem(sink);
    http = request(tandem.url);
    expect(last()).toBe(box());
    const lines = box().trim().split('\n');
    expect(new Set(lines.map((line) => line.length)).size).toBe(1); // an even box
    expect(box()).toContain(`Tandem is running at ${tandem.url}`);
    const [, email, password] = /Admin: (\S+) \/ (\S+)/.exec(box()) ?? [];
    expect(email).toBe('admin@tandem.local');
    const file = join(process.env.TANDEM_DATA_DIR!, CREDENTIALS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`email=${email}\npassword=${password}\n`);
    expect(box()).toContain('Demo agents are at work');
    token = (await http.post('/api/auth/login').send({ email, password }).expect(200)).body.token as string;
    const workflows = (await http.get('/api/workflows').set('Authorization', `Bearer ${token}`).expect(200)).body
      .items as Workflow[];
    workflow = workflows.find((row) => row.name === DEMO_WORKFLOW_NAME)!;
    expect(workflow.agentIds).toHaveLength(3);
  });

  it('has each agent comment about once per DEMO_COMMENT_EVERY_MS, however fast it steps', async () => {
    expect(COMMENT_EVERY_MS).toBe(60_000); // the default: about one a minute
    const started = Date.now();
    await sleep(5 * COMMENT_EVERY);
    const elapsed = Date.now() - started + COMMENT_EVERY; // the first comment may come one gap after the start
    const comments: Comment[] = [];
    for (const task of await board()) {
      const page = await http.get(`/api/tasks/${task.id}/comments`).set('Authorization', `Bearer ${token}`).expect(200);
      comments.push(...(page.body.items as Comment[]));
    }
    const steps = await http
      .get('/api/audit')
      .query({ actorType: 'agent', limit: 1000 })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const actions = (steps.body.items as AuditEntry[]).length;
    const byAgent = new Map<string, number[]>();
    for (const comment of comments) {
      expect(comment.author.type).toBe('agent');
      byAgent.set(comment.author.id, [...(byAgent.get(comment.author.id) ?? []), Date.parse(comment.createdAt)]);
    }
    const counts = workflow.agentIds.map((id) => byAgent.get(id)?.length ?? 0);
    console.log(`demo: ${actions} agent actions, comments per agent ${counts.join(', ')} in ${elapsed} ms`);
    for (const times of byAgent.values()) {
      times.sort((a, b) => a - b);
      // At most one per 0.8 × the interval (its jitter), never one per step.
      expect(times.length).toBeLessThanOrEqual(Math.floor(elapsed / (0.8 * COMMENT_EVERY)) + 1);
      for (let i = 1; i < times.length; i += 1)
        expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(0.8 * COMMENT_EVERY - 50);
    }
    expect(counts.filter((count) => count >= 2).length).toBeGreaterThanOrEqual(2); // they do comment
    expect(last()).toBe(box()); // nothing scrolled the box away
  });

  it('runs the workflow to done and starts a new round, never proposing a task that exists', async () => {
    const tasks = await until(
      'round 1 done and round 2 begun',
      async () => {
        await approveAll(); // the human's part: approve what the agents ask
        const now = await board();
        return currentRound(now) >= 2 && now.some((task) => roundTitles(2).includes(task.title)) ? now : undefined;
      },
      150_000,
    );
    const titles = tasks.map((task) => task.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const title of roundTitles(1)) expect(tasks.find((task) => task.title === title)?.status).toBe('completed');
    expect(last()).toBe(box());
  }, 180_000);

  it('resumes after a restart: the same workflow, the same agents, the round where it was', async () => {
    expect(await tandem!.stop()).toBe(true);
    tandem = undefined;
    output.length = 0;
    tandem = await startTandem(sink);
    http = request(tandem.url);
    expect(last()).toBe(box());
    expect(box()).toContain(`Admin credentials: ${join(process.env.TANDEM_DATA_DIR!, CREDENTIALS_FILE)}`);
    expect(box()).not.toMatch(/Admin: \S+ \/ /); // the password is not printed again
    expect(box()).toContain('Demo agents are at work');
    const password = /password=(.*)/.exec(
      readFileSync(join(process.env.TANDEM_DATA_DIR!, CREDENTIALS_FILE), 'utf8'),
    )![1];
    token = (await http.post('/api/auth/login').send({ email: 'admin@tandem.local', password }).expect(200)).body
      .token as string;
    const workflows = (await http.get('/api/workflows').set('Authorization', `Bearer ${token}`).expect(200)).body
      .items as Workflow[];
    const demo = workflows.filter((row) => row.name === DEMO_WORKFLOW_NAME);
    expect(demo.map((row) => row.id)).toEqual([workflow.id]);
    expect(demo[0].agentIds.sort()).toEqual([...workflow.agentIds].sort());
    const round = currentRound(await board());
    const since = (await http.get('/api/audit').query({ limit: 1 }).set('Authorization', `Bearer ${token}`).expect(200))
      .body.items[0] as AuditEntry;
    // The agents are back at work on it: new entries of theirs after the restart.
    await until(
      'the agents to act again',
      async () => {
        const page = await http
          .get('/api/audit')
          .query({ actorType: 'agent', limit: 50 })
          .set('Authorization', `Bearer ${token}`)
          .expect(200);
        const mine = (page.body.items as AuditEntry[]).filter(
          (entry) => Number(entry.seq) > Number(since.seq) && workflow.agentIds.includes(entry.actor.id ?? ''),
        );
        return mine.length >= 3 ? true : undefined;
      },
      60_000,
    );
    const tasks = await board();
    expect(currentRound(tasks)).toBeGreaterThanOrEqual(round);
    const titles = tasks.map((task) => task.title);
    expect(new Set(titles).size).toBe(titles.length);
  }, 150_000);
});
