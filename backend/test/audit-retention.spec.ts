import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { AuditEntry } from '@tandem/shared';
import { GENESIS_HASH, hashEntry } from '@tandem/shared/audit-chain';
import { adminQuery, databaseUrl } from './support/services';
import { bearer, createTestDatabase, startTestApp, type TestApp } from './support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;
const CLI = resolve(process.cwd(), '../shared/bin/tandem-audit.cjs');

/** Five properly chained entries from a year ago, written as the owner before the app starts. */
async function seedOldEntries(database: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= 5; seq += 1) {
    const entry: Omit<AuditEntry, 'hash'> = {
      seq,
      at: new Date(Date.now() - 365 * DAY_MS + seq * 1000).toISOString(),
      actor: { type: 'system', id: null, name: 'system' },
      onBehalfOf: null,
      action: 'workflow.updated',
      outcome: 'success',
      entityType: 'workflow',
      entityId: null,
      workflowId: null,
      changes: { name: [`old ${seq - 1}`, `old ${seq}`] },
      context: {},
      data: null,
      requestId: null,
      ip: null,
      userAgent: null,
      prevHash,
    };
    const hash = hashEntry(entry);
    await client.query(
      `insert into audit_log (seq, at, actor_type, actor_id, actor_name, on_behalf_of, action, outcome, entity_type,
         entity_id, workflow_id, changes, context, data, request_id, ip, user_agent, prev_hash, hash)
       values ($1, $2, 'system', null, 'system', null, $3, 'success', 'workflow', null, null, $4, '{}', 'null',
         null, null, null, $5, $6)`,
      [seq, entry.at, entry.action, JSON.stringify(entry.changes), prevHash, hash],
    );
    prevHash = hash;
  }
  await client.end();
}

describe('audit retention', () => {
  let t: TestApp;
  let database: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-retention-'));

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedOldEntries(database);
    process.env.TANDEM_DATA_DIR = dataDir;
    t = await startTestApp({ database });
  });
  afterAll(async () => {
    await t.close();
    delete process.env.TANDEM_DATA_DIR;
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  const retention = (before: string) => t.http.post('/api/audit/retention').set(bearer(t.adminToken)).send({ before });

  it('refuses to remove anything younger than 183 days, and non-admins', async () => {
    const response = await retention(new Date(Date.now() - 100 * DAY_MS).toISOString()).expect(400);
    expect(response.body.message).toMatch(/younger than 183 days/);
    const member = await t.user('member');
    await t.http.post('/api/audit/retention').set(bearer(member.token)).send({ before: '2000-01-01' }).expect(403);
    await retention('yesterday').expect(400);
    expect((await t.sql('select count(*)::int as n from audit_log where seq <= 5'))[0]).toEqual({ n: 5 });
  });

  it('archives the old entries, removes them, keeps an anchor, and the rest still verifies', async () => {
    const head = await t.lastSeq();
    const response = await retention(new Date(Date.now() - 200 * DAY_MS).toISOString()).expect(200);
    const [fifth] = await t.sql<{ hash: string }>(`select hash from audit_anchor where seq = 5`);
    expect(response.body).toEqual({
      removed: 5,
      anchor: { seq: 5, hash: fifth.hash },
      archiveFile: join(dataDir, 'audit-archive', 'tandem-audit-seq-1-5.ndjson'),
    });
    expect(await t.sql('select min(seq)::int as first from audit_log')).toEqual([{ first: 6 }]);

    const archive = response.body.archiveFile as string;
    expect(existsSync(archive)).toBe(true);
    expect(readFileSync(archive, 'utf8').trim().split('\n')).toHaveLength(6);
    const offline = spawnSync(process.execPath, [CLI, 'verify', archive], { encoding: 'utf8' });
    expect(offline.stdout).toMatch(/OK: 5 entries \(seq 1\.\.5\)/);
    expect(offline.status).toBe(0);

    const verify = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    expect(verify.body).toEqual({ ok: true, checked: (await t.lastSeq()) - 5 });
    const [purged] = (await t.auditAfter(head)).filter((entry) => entry.action === 'audit.purged');
    expect(purged.context).toMatchObject({ removed: 5, anchor: { seq: 5 }, retentionDays: 183 });

    // Nothing more is old enough: a second run removes nothing.
    const again = await retention(new Date(Date.now() - 200 * DAY_MS).toISOString()).expect(200);
    expect(again.body).toMatchObject({ removed: 0 });
  });

  it('lets only audit_log_purge delete, and it refuses young entries even when called by the owner', async () => {
    await expect(t.sql(`select * from audit_log_purge(7, now(), null)`)).rejects.toThrow(/183 days/);
    await expect(t.sql(`select * from audit_log_purge(7, now() - interval '200 days', null)`)).rejects.toThrow(
      /not all older/,
    );
    await expect(t.sql(`delete from audit_log where seq = 6`)).rejects.toThrow(/append-only/);
  });
});
