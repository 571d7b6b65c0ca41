import { spawnSync } from 'node:child_process';
import { verify as verifySignature } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { AuditCheckpoint, AuditEntry, AuditExportManifest, AuditPublicKey, Page } from '@tandem/shared';
import { hashEntry } from '@tandem/shared/audit-chain';
import { recordingClient, touchWorkflow, waitFor } from './support/nodes';
import { bearer, startTestApp, type TestApp } from './support/test-app';

const CLI = resolve(process.cwd(), '../shared/bin/tandem-audit.cjs');
const runCli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** Runs `sql` as the owner with the append-only triggers off for that one transaction (what an owner could do). */
const asOwnerWithoutTriggers = (t: TestApp, sql: string) =>
  t.sql(
    `begin; alter table audit_log disable trigger user; ${sql}; alter table audit_log enable trigger user; commit;`,
  );

describe('audit seal (issue 11 part 3)', () => {
  let t: TestApp;
  let workflowId: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-seal-'));
  const checkpointFile = join(dataDir, 'worm', 'checkpoints.ndjson');

  beforeAll(async () => {
    process.env.TANDEM_DATA_DIR = dataDir;
    process.env.AUDIT_CHECKPOINT_FILE = checkpointFile;
    process.env.AUDIT_CHECKPOINT_SECONDS = '1';
    t = await startTestApp();
    workflowId = (await t.workflow('sealed')).id;
  });
  afterAll(async () => {
    await t.close();
    delete process.env.TANDEM_DATA_DIR;
    delete process.env.AUDIT_CHECKPOINT_FILE;
    delete process.env.AUDIT_CHECKPOINT_SECONDS;
  });

  const get = (path: string, query: Record<string, string | number> = {}) =>
    t.http.get(path).query(query).set(bearer(t.adminToken));
  const checkpoints = async () =>
    ((await get('/api/audit/checkpoints', { limit: 500 }).expect(200)).body as Page<AuditCheckpoint>).items;
  /** Waits until a checkpoint covers the current head. */
  const sealed = async () => {
    const head = await t.lastSeq();
    return waitFor(`a checkpoint at seq ${head}`, async () => (await checkpoints()).find((cp) => cp.seq === head));
  };

  describe('the runtime login', () => {
    let runtime: pg.Client;
    beforeAll(async () => {
      runtime = new pg.Client({ connectionString: t.runtimeDatabaseUrl });
      await runtime.connect();
    });
    afterAll(() => runtime.end());

    const refuses = async (sql: string, error: RegExp) => {
      await expect(runtime.query(sql)).rejects.toThrow(error);
      await runtime.query('rollback').catch(() => undefined);
    };

    it('is the login the app runs as: no superuser, not a member of the owner', async () => {
      const [me] = (
        await runtime.query<{ user: string; superuser: boolean; owner: string; member: boolean }>(
          `select current_user as user, r.rolsuper as superuser, pg_get_userbyid(c.relowner) as owner,
                  pg_has_role(current_user, c.relowner, 'member') as member
             from pg_roles r, pg_class c where r.rolname = current_user and c.relname = 'audit_log'`,
        )
      ).rows;
      expect(me).toMatchObject({ user: 'tandem_app', superuser: false, member: false });
      expect(me.owner).not.toBe('tandem_app');
    });

    it('can neither delete, change nor truncate audit rows by any SQL it may send', async () => {
      const before = await t.sql<{ n: number; hash: string }>(
        'select count(*)::int as n, max(hash) as hash from audit_log',
      );
      await refuses('delete from audit_log where seq = 1', /permission denied/);
      await refuses(`update audit_log set actor_name = 'x' where seq = 1`, /permission denied/);
      await refuses('truncate audit_log', /permission denied/);
      // The old switch: a session setting that turned the delete guard off.
      await runtime.query(`set tandem.audit_purge = 'on'`);
      await refuses('delete from audit_log where seq = 1', /permission denied/);
      await runtime.query('reset tandem.audit_purge');
      // RESET ROLE went back to the owner when the app connected as the owner and SET ROLE down.
      await runtime.query('reset role');
      expect((await runtime.query('select current_user as user')).rows[0]).toEqual({ user: 'tandem_app' });
      await refuses('delete from audit_log where seq = 1', /permission denied/);
      await refuses('set role postgres', /permission denied/);
      await refuses('set session authorization postgres', /permission denied/);
      await refuses('alter table audit_log disable trigger user', /must be owner/);
      await refuses('drop trigger audit_log_no_update_delete on audit_log', /must be owner/);
      await refuses('alter table audit_log owner to tandem_app', /must be owner/);
      await refuses('drop table audit_log', /must be owner/);
      await refuses(`select * from audit_log_purge(1, now() - interval '1000 days', null)`, /permission denied/);
      await refuses('update audit_head set seq = 1', /permission denied/);
      await refuses('delete from audit_checkpoint', /permission denied/);
      await refuses('delete from audit_anchor', /permission denied/);
      // An insert that reuses an issued seq (below the head) is refused by the database too.
      await refuses(
        `insert into audit_log (seq, at, actor_type, actor_name, action, outcome, entity_type, changes, context,
           prev_hash, hash) values (1, now(), 'system', 'x', 'workflow.updated', 'success', 'workflow', '{}', '{}',
           repeat('0', 64), repeat('0', 64))`,
        /already issued|duplicate key/,
      );
      expect(await t.sql('select count(*)::int as n, max(hash) as hash from audit_log')).toEqual(before);
    });
  });

  describe('signed checkpoints', () => {
    it('are signed with the key the public-key route answers, stored, filed one per line, and published', async () => {
      const admin = recordingClient(t.url, t.adminToken);
      const published: AuditCheckpoint[] = [];
      admin.client.on('audit.checkpoint', (event) => published.push(event.data));
      expect((await admin.subscribe('audit')).ok).toBe(true);
      await touchWorkflow(t, workflowId);
      const checkpoint = await sealed();

      const key = (await get('/api/audit/public-key').expect(200)).body as AuditPublicKey;
      expect(key.algorithm).toBe('ed25519');
      expect(key.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      const message = JSON.stringify({ seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at });
      expect(
        verifySignature(null, Buffer.from(message), key.publicKey, Buffer.from(checkpoint.signature, 'base64')),
      ).toBe(true);
      const [head] = await t.sql<{ hash: string }>('select hash from audit_log where seq = $1', [checkpoint.seq]);
      expect(checkpoint.hash).toBe(head.hash);

      const stored = await checkpoints();
      const lines = readFileSync(checkpointFile, 'utf8').trim().split('\n');
      expect(lines.map((line) => JSON.parse(line) as AuditCheckpoint)).toEqual([...stored].reverse());
      await waitFor('the checkpoint on the audit channel', () => published.find((cp) => cp.seq === checkpoint.seq));
      admin.close();

      // The signing key was made on first start, readable by the owner only.
      expect(statSync(join(dataDir, 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);
    });

    it('makes none when nothing is new since the last one', async () => {
      await touchWorkflow(t, workflowId);
      await sealed();
      const count = (await checkpoints()).length;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await checkpoints()).toHaveLength(count);
      expect(readFileSync(checkpointFile, 'utf8').trim().split('\n')).toHaveLength(count);
      await t.http.post('/api/audit/checkpoints').set(bearer(t.adminToken)).expect(204);
    });

    it('lists and signs only for admins', async () => {
      const approver = await t.user('approver');
      await t.http.get('/api/audit/checkpoints').set(bearer(approver.token)).expect(403);
      await t.http.get('/api/audit/public-key').set(bearer(approver.token)).expect(403);
      await t.http.post('/api/audit/checkpoints').set(bearer(approver.token)).expect(403);
      await t.http.get('/api/audit/checkpoints').expect(401);
    });
  });

  describe('verify', () => {
    it('answers 400 for a from past the head or after to, with the standard error body', async () => {
      const head = await t.lastSeq();
      const past = await get('/api/audit/verify', { from: head + 10 }).expect(400);
      expect(past.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'bad_request' });
      expect(past.body.message).toMatch(/past the head/);
      const reversed = await get('/api/audit/verify', { from: 5, to: 3 }).expect(400);
      expect(reversed.body).toMatchObject({ statusCode: 400, code: 'bad_request' });
      expect((await get('/api/audit/verify').expect(200)).body).toEqual({ ok: true, checked: head });
    });

    it('reports a checkpointed entry changed by the owner as mismatch', async () => {
      await touchWorkflow(t, workflowId);
      const checkpoint = await sealed();
      const [row] = await t.sql<{ actor_name: string }>('select actor_name from audit_log where seq = $1', [
        checkpoint.seq,
      ]);
      await asOwnerWithoutTriggers(t, `update audit_log set actor_name = 'Mallory' where seq = ${checkpoint.seq}`);
      expect((await get('/api/audit/verify').expect(200)).body).toMatchObject({
        ok: false,
        firstBrokenSeq: checkpoint.seq,
        reason: 'mismatch',
      });
      // Even with the entry's own hash recomputed (the chain then checks out), the signed checkpoint disagrees.
      const [entry] = (await t.auditAfter(checkpoint.seq - 1)).filter((e) => e.seq === checkpoint.seq);
      const forged = hashEntry({ ...entry, hash: undefined } as Omit<AuditEntry, 'hash'>);
      await asOwnerWithoutTriggers(t, `update audit_log set hash = '${forged}' where seq = ${checkpoint.seq}`);
      const result = (await get('/api/audit/verify').expect(200)).body as { reason: string; detail: string };
      expect(result).toMatchObject({ ok: false, firstBrokenSeq: checkpoint.seq, reason: 'mismatch' });
      expect(result.detail).toMatch(/checkpoint/);
      await asOwnerWithoutTriggers(
        t,
        `update audit_log set actor_name = '${row.actor_name.replace(/'/g, "''")}', hash = '${checkpoint.hash}'
          where seq = ${checkpoint.seq}`,
      );
      expect((await get('/api/audit/verify').expect(200)).body.ok).toBe(true);
    });

    it('reports the newest entries deleted by the owner as truncated, and never reuses their seq', async () => {
      for (let i = 0; i < 3; i += 1) await touchWorkflow(t, workflowId);
      const checkpoint = await sealed();
      await asOwnerWithoutTriggers(t, `delete from audit_log where seq > ${checkpoint.seq - 3}`);
      const result = await get('/api/audit/verify').expect(200);
      expect(result.body).toMatchObject({ ok: false, firstBrokenSeq: checkpoint.seq - 2, reason: 'truncated' });
      // A from inside the deleted stretch is not "past the head": the head is the highest seq ever issued.
      expect((await get('/api/audit/verify', { from: checkpoint.seq }).expect(200)).body).toMatchObject({
        ok: false,
        reason: 'truncated',
      });
      await touchWorkflow(t, workflowId);
      const [next] = await t.sql<{ seq: string; prev_hash: string }>(
        'select seq, prev_hash from audit_log order by seq desc limit 1',
      );
      expect(Number(next.seq)).toBe(checkpoint.seq + 1);
      expect(next.prev_hash).toBe(checkpoint.hash);
      expect((await get('/api/audit/verify').expect(200)).body).toMatchObject({ ok: false, reason: 'truncated' });
    });
  });

  describe('tandem-audit verify --checkpoints --public-key', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tandem-seal-cli-'));
    const keyFile = join(folder, 'audit-public-key.pem');
    let lines: string[];

    beforeAll(async () => {
      writeFileSync(keyFile, ((await get('/api/audit/public-key').expect(200)).body as AuditPublicKey).publicKey);
    });

    /** An export of the stretch after the deletions above, which verifies. */
    const exportFrom = async (fromSeq: number) => {
      const response = await get('/api/audit/export', { format: 'ndjson', fromSeq: String(fromSeq) })
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(null, text));
        })
        .expect(200);
      return (response.body as string).trim().split('\n');
    };
    const write = (name: string, content: string[]) => {
      const file = join(folder, name);
      writeFileSync(file, `${content.join('\n')}\n`);
      return file;
    };
    /** Re-chains entries (recomputing every hash) and rewrites the manifest: only a checkpoint can tell. */
    const forge = (entries: AuditEntry[], manifest: AuditExportManifest) => {
      let prevHash = entries[0].prevHash;
      const chained = entries.map((entry) => {
        const rest = { ...entry, prevHash, hash: undefined };
        const hash = hashEntry(rest);
        prevHash = hash;
        return { ...rest, hash };
      });
      const last = chained[chained.length - 1];
      const fixed = { ...manifest, count: chained.length, lastSeq: last.seq, lastHash: last.hash };
      return [...chained.map((entry) => JSON.stringify(entry)), JSON.stringify({ manifest: fixed })];
    };

    it('passes a good export, and fails a truncated or rewritten one', async () => {
      // A fresh stretch, sealed: the deletions of the previous test lie before it.
      const start = (await t.lastSeq()) + 1;
      for (let i = 0; i < 4; i += 1) await touchWorkflow(t, workflowId);
      await sealed();
      lines = await exportFrom(start);
      const good = write('good.ndjson', lines);
      const ok = runCli('verify', good, '--checkpoints', checkpointFile, '--public-key', keyFile);
      expect(ok.stdout).toMatch(/checkpoint signatures valid, [1-9]\d* in the export match/);
      expect(ok.status).toBe(0);

      const entries = lines.slice(0, -1).map((line) => JSON.parse(line) as AuditEntry);
      const { manifest } = JSON.parse(lines[lines.length - 1]) as { manifest: AuditExportManifest };
      // Without its newest 2 entries (manifest rewritten to match): the chain alone looks fine.
      const truncated = write('truncated.ndjson', forge(entries.slice(0, -2), manifest));
      expect(runCli('verify', truncated).status).toBe(0);
      const cut = runCli('verify', truncated, '--checkpoints', checkpointFile, '--public-key', keyFile);
      expect(cut.stderr).toMatch(/BROKEN: .*truncated/);
      expect(cut.status).toBe(1);

      const rewritten = entries.map((entry, index) =>
        index === entries.length - 1 ? { ...entry, changes: { forged: [0, 1] as [unknown, unknown] } } : entry,
      );
      const forged = write('forged.ndjson', forge(rewritten, manifest));
      expect(runCli('verify', forged).status).toBe(0);
      const caught = runCli('verify', forged, '--checkpoints', checkpointFile, '--public-key', keyFile);
      expect(caught.stderr).toMatch(/BROKEN: .*mismatch/);
      expect(caught.status).toBe(1);
    });

    it('fails on a checkpoint file with a forged line', async () => {
      const good = write('good2.ndjson', lines);
      const [first, ...rest] = readFileSync(checkpointFile, 'utf8').trim().split('\n');
      const doctored = { ...(JSON.parse(first) as AuditCheckpoint), hash: 'f'.repeat(64) };
      const file = write('doctored-checkpoints.ndjson', [JSON.stringify(doctored), ...rest]);
      const result = runCli('verify', good, '--checkpoints', file, '--public-key', keyFile);
      expect(result.stderr).toMatch(/signature does not verify/);
      expect(result.status).toBe(1);
      expect(existsSync(checkpointFile)).toBe(true);
    });
  });
});
