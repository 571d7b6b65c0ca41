import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import type { AuditEntry, Role } from '@tandem/shared';
import { createApp } from '../../src/app.factory';
import { seedAdmin } from '../../src/seed-admin';
import { adminQuery, databaseUrl, runtimeDatabaseUrl } from './services';

export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

/** A running backend on its own fresh database (a clone of the run's migrated template). */
export interface TestApp {
  app: INestApplication;
  url: string;
  /** The owner login of the test's database (what `sql` uses). */
  databaseUrl: string;
  /** The runtime login the app runs as. */
  runtimeDatabaseUrl: string;
  http: ReturnType<typeof request>;
  adminToken: string;
  /** A signed-in user with this role: its token and id. */
  user(role: Role, name?: string): Promise<{ token: string; id: string; email: string }>;
  /** An agent assigned to the given workflows: its API key and id. */
  agent(workflowIds?: string[], name?: string): Promise<{ key: string; id: string }>;
  workflow(name?: string): Promise<{ id: string; version: number }>;
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Audit entries after `seq`, in order. */
  auditAfter(seq: number): Promise<AuditEntry[]>;
  lastSeq(): Promise<number>;
  /** Closes the app (unless a test already shut it down), the test's pool, and its own database. */
  close(options?: { appClosed?: boolean }): Promise<void>;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Clones the template database. Also used by multi-node tests that start several apps on one database. */
export async function createTestDatabase(): Promise<string> {
  const template = process.env.TANDEM_TEST_TEMPLATE;
  const runId = process.env.TANDEM_TEST_RUN;
  if (!template || !runId) throw new Error('jest globalSetup did not run (TANDEM_TEST_TEMPLATE is unset)');
  const name = `tandem_test_${runId}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name} template ${template}`);
  return name;
}

export async function startTestApp(
  options: { database?: string; redisUrl?: string; port?: number; logDestination?: DestinationStream } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const url = databaseUrl(database);
  // As in production: the server logs in as the runtime role; retention uses the owner's login.
  const runtimeUrl = runtimeDatabaseUrl(database);
  const app = await createApp({
    databaseUrl: runtimeUrl,
    ownerDatabaseUrl: url,
    redisUrl: options.redisUrl,
    logger: options.logDestination ? { destination: options.logDestination } : false,
  });
  await seedAdmin(app, { adminEmail: ADMIN.email, adminPassword: ADMIN.password });
  await app.listen(options.port ?? 0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const http = request(baseUrl);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // An idle client ended from outside (pg_terminate_backend, DROP DATABASE ... WITH (FORCE)) must not crash the
  // worker; a query on a dead client still fails loudly.
  pool.on('error', () => undefined);
  const login = async (email: string, password: string) => {
    const response = await http.post('/api/auth/login').send({ email, password }).expect(200);
    return response.body as { token: string; user: { id: string } };
  };
  const adminToken = (await login(ADMIN.email, ADMIN.password)).token;
  let counter = 0;
  const unique = () => `${Date.now().toString(36)}${(counter += 1)}${randomBytes(2).toString('hex')}`;
  const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) =>
    (await pool.query<T>(text, params)).rows;

  const testApp: TestApp = {
    app,
    url: baseUrl,
    databaseUrl: url,
    runtimeDatabaseUrl: runtimeUrl,
    http,
    adminToken,
    async user(role, name) {
      const email = `${role}-${unique()}@test.local`;
      const password = 'password-123';
      const created = await http
        .post('/api/users')
        .set(bearer(adminToken))
        .send({ email, name: name ?? `${role} ${counter}`, password, role })
        .expect(201);
      const { token } = await login(email, password);
      return { token, id: (created.body as { id: string }).id, email };
    },
    async agent(workflowIds = [], name) {
      const created = await http
        .post('/api/agents')
        .set(bearer(adminToken))
        .send({ name: name ?? `agent-${unique()}`, capabilities: ['test'] })
        .expect(201);
      const { agent, apiKey } = created.body as { agent: { id: string }; apiKey: string };
      for (const workflowId of workflowIds) {
        const current = await http.get(`/api/workflows/${workflowId}`).set(bearer(adminToken)).expect(200);
        const agentIds = [...(current.body as { agentIds: string[] }).agentIds, agent.id];
        await http.put(`/api/workflows/${workflowId}/agents`).set(bearer(adminToken)).send({ agentIds }).expect(200);
      }
      return { key: apiKey, id: agent.id };
    },
    async workflow(name) {
      const created = await http
        .post('/api/workflows')
        .set(bearer(adminToken))
        .send({ name: name ?? `workflow ${unique()}`, status: 'running' })
        .expect(201);
      return created.body as { id: string; version: number };
    },
    sql,
    async auditAfter(seq) {
      const rows = await sql<{ seq: string }>('select seq from audit_log where seq > $1 order by seq', [seq]);
      if (rows.length === 0) return [];
      const page = await http
        .get('/api/audit')
        .query({ order: 'asc', cursor: String(seq), limit: 1000 })
        .set(bearer(adminToken))
        .expect(200);
      return (page.body as { items: AuditEntry[] }).items;
    },
    async lastSeq() {
      const [row] = await sql<{ seq: string | null }>('select max(seq) as seq from audit_log');
      return Number(row?.seq ?? 0);
    },
    async close({ appClosed = false } = {}) {
      if (!appClosed) await app.close();
      await pool.end();
      if (!options.database) await adminQuery(`drop database if exists ${database} with (force)`);
    },
  };
  return testApp;
}
