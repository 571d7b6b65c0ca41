import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { parse } from 'csv-parse/sync';
import type { AuditEntry, AuditExportManifest } from '@tandem/shared';
import { SYSTEM } from '../src/common/caller';
import { AuditService } from '../src/core/audit.service';
import { bearer, startTestApp, type TestApp } from './support/test-app';

const CLI = resolve(process.cwd(), '../shared/bin/tandem-audit.cjs');
const runCli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('audit log', () => {
  let t: TestApp;
  let workflowId: string;
  let agentId: string;
  const folder = mkdtempSync(join(tmpdir(), 'tandem-audit-'));

  beforeAll(async () => {
    t = await startTestApp();
    workflowId = (await t.workflow('audited')).id;
    agentId = (await t.agent([workflowId])).id;
    // A name and a user agent a spreadsheet would run as formulas.
    const evil = await t.user('member', '=HYPERLINK("http://x")');
    await t.http.get('/api/audit').set(bearer(evil.token)).set('User-Agent', '@SUM(1+1)').expect(403);
    // Decision entries as the suggestions module writes them (DecisionContext), through the real append path.
    const audit = t.app.get(AuditService);
    const meta = { requestId: 'r1', ip: '127.0.0.1', userAgent: 'jest' };
    await audit.record({ type: 'agent', id: agentId, name: 'agent' }, meta, {
      action: 'suggestion.created',
      entityType: 'suggestion',
      entityId: '01900000-0000-7000-8000-000000000001',
      workflowId,
    });
    await audit.record(SYSTEM, meta, {
      action: 'suggestion.approved',
      entityType: 'suggestion',
      entityId: '01900000-0000-7000-8000-000000000001',
      workflowId,
      onBehalfOf: 'policy:autoApproveAbove',
      context: { revision: 1, payloadSeen: { title: 'x' }, taskVersionSeen: 1, timeToDecisionMs: 5 },
    });
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string | number> = {}) =>
    t.http.get(path).query(query).set(bearer(t.adminToken));

  describe('append-only', () => {
    it('runs the app as the tandem_app login, which may not UPDATE, DELETE or TRUNCATE audit_log', async () => {
      const em = t.app.get(MikroORM).em.fork();
      const [who] = await em.execute<{ user: string }[]>('select current_user as user');
      expect(who.user).toBe('tandem_app');
      await expect(em.execute(`update audit_log set actor_name = 'x' where seq = 1`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(em.execute('delete from audit_log where seq = 1')).rejects.toThrow(/permission denied/);
      await expect(em.execute('truncate audit_log')).rejects.toThrow(/permission denied/);
      // Retention runs on the owner's login: the runtime login may not even call the purge.
      await expect(em.execute('select * from audit_log_purge(1, now(), null)')).rejects.toThrow(/permission denied/);
    });

    it('refuses UPDATE, DELETE and TRUNCATE by the owner too (triggers)', async () => {
      await expect(t.sql(`update audit_log set actor_name = 'x' where seq = 1`)).rejects.toThrow(/append-only/);
      await expect(t.sql('delete from audit_log where seq = 1')).rejects.toThrow(/append-only/);
      await expect(t.sql('truncate audit_log')).rejects.toThrow(/append-only/);
      expect(await t.lastSeq()).toBeGreaterThan(5);
    });
  });

  describe('entries', () => {
    it('carry actor, on_behalf_of, outcome, request data and the decision context', async () => {
      const entries = await t.auditAfter(0);
      const denied = entries.find((entry) => entry.action === 'access.denied');
      expect(denied).toMatchObject({ outcome: 'denied', actor: { type: 'human', name: '=HYPERLINK("http://x")' } });
      expect(denied?.requestId).toBeTruthy();
      expect(denied?.ip).toBeTruthy();
      const approved = entries.find((entry) => entry.action === 'suggestion.approved');
      expect(approved).toMatchObject({
        actor: { type: 'system', id: null },
        onBehalfOf: 'policy:autoApproveAbove',
        workflowId,
        context: { revision: 1, payloadSeen: { title: 'x' }, timeToDecisionMs: 5 },
      });
    });
  });

  describe('verify', () => {
    it('answers ok over the whole log and over a range', async () => {
      const head = await t.lastSeq();
      expect((await get('/api/audit/verify').expect(200)).body).toEqual({ ok: true, checked: head });
      expect((await get('/api/audit/verify', { from: 3, to: 5 }).expect(200)).body).toEqual({ ok: true, checked: 3 });
    });

    it('pinpoints a row tampered with directly in Postgres', async () => {
      const tamper = async (name: string) => {
        await t.sql(`begin;
          alter table audit_log disable trigger user;
          update audit_log set actor_name = '${name}' where seq = 4;
          alter table audit_log enable trigger user;
          commit;`);
      };
      const [original] = await t.sql<{ actor_name: string }>('select actor_name from audit_log where seq = 4');
      await tamper('Mallory');
      const broken = await get('/api/audit/verify').expect(200);
      expect(broken.body).toMatchObject({ ok: false, checked: 3, firstBrokenSeq: 4 });
      expect((await get('/api/audit/verify', { from: 5 }).expect(200)).body.ok).toBe(true);
      await tamper(original.actor_name.replace(/'/g, "''"));
      expect((await get('/api/audit/verify').expect(200)).body.ok).toBe(true);
    });

    it('finds a broken prev link', async () => {
      await t.sql(`begin;
        alter table audit_log disable trigger user;
        update audit_log set prev_hash = repeat('a', 64) where seq = 6;
        alter table audit_log enable trigger user;
        commit;`);
      const broken = await get('/api/audit/verify').expect(200);
      // The changed prev_hash is part of what seq 6 hashes, so seq 6 is where the chain breaks.
      expect(broken.body).toMatchObject({ ok: false, firstBrokenSeq: 6 });
      const [five] = await t.sql<{ hash: string }>('select hash from audit_log where seq = 5');
      await t.sql(`begin;
        alter table audit_log disable trigger user;
        update audit_log set prev_hash = '${five.hash}' where seq = 6;
        alter table audit_log enable trigger user;
        commit;`);
      expect((await get('/api/audit/verify').expect(200)).body.ok).toBe(true);
    });
  });

  describe('search', () => {
    it('filters by action prefix, actor, entity, workflow, outcome and time, paging both ways', async () => {
      const all = await t.auditAfter(0);
      const items = async (query: Record<string, string | number>) =>
        (await get('/api/audit', { order: 'asc', limit: 1000, ...query }).expect(200)).body.items as AuditEntry[];
      const seqs = (entries: AuditEntry[]) => entries.map((entry) => entry.seq);
      const expectFilter = async (query: Record<string, string>, keep: (entry: AuditEntry) => boolean) => {
        const expected = seqs(all.filter(keep));
        expect(expected.length).toBeGreaterThan(0);
        expect(seqs(await items(query))).toEqual(expected);
      };
      await expectFilter({ action: 'suggestion.*' }, (entry) => entry.action.startsWith('suggestion.'));
      await expectFilter({ action: 'workflow.created' }, (entry) => entry.action === 'workflow.created');
      await expectFilter({ actorType: 'agent', actorId: agentId }, (entry) => entry.actor.id === agentId);
      await expectFilter({ entityType: 'workflow', entityId: workflowId }, (entry) => entry.entityId === workflowId);
      await expectFilter({ workflowId }, (entry) => entry.workflowId === workflowId);
      await expectFilter({ outcome: 'denied' }, (entry) => entry.outcome === 'denied');
      await expectFilter({ from: all[2].at, to: all[4].at }, (entry) => entry.at >= all[2].at && entry.at <= all[4].at);
      await expect(items({ action: 'suggestion.*; drop' })).rejects.toThrow();

      const pageDesc = await get('/api/audit', { limit: 3 }).expect(200);
      expect(seqs(pageDesc.body.items)).toEqual(seqs(all.slice(-3)).reverse());
      const nextDesc = await get('/api/audit', { limit: 3, cursor: pageDesc.body.nextCursor }).expect(200);
      expect(seqs(nextDesc.body.items)).toEqual(seqs(all.slice(-6, -3)).reverse());
      const pageAsc = await get('/api/audit', { limit: 2, order: 'asc', cursor: 2 }).expect(200);
      expect(seqs(pageAsc.body.items)).toEqual([3, 4]);
      expect(pageAsc.body.nextCursor).toBe('4');
    });
  });

  describe('export', () => {
    const download = async (query: Record<string, string>) => {
      const response = await get('/api/audit/export', query)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => done(null, text));
        })
        .expect(200);
      return { text: response.body as string, headers: response.headers };
    };

    it('streams NDJSON ending in a manifest, which the CLI verifies offline; a changed line breaks it', async () => {
      const head = await t.lastSeq();
      const entries = await t.auditAfter(0);
      const { text, headers } = await download({ format: 'ndjson' });
      expect(headers['content-disposition']).toBe(`attachment; filename="tandem-audit-seq-1-${head}.ndjson"`);
      const lines = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const manifest = lines.pop().manifest as AuditExportManifest;
      expect(lines).toEqual(entries.slice(0, head));
      expect(manifest).toMatchObject({
        filter: { toSeq: String(head) },
        count: head,
        firstSeq: 1,
        lastSeq: head,
        firstPrevHash: '0'.repeat(64),
        lastHash: entries[head - 1].hash,
      });

      const file = join(folder, 'all.ndjson');
      writeFileSync(file, text);
      const ok = runCli('verify', file);
      expect(ok.stdout).toMatch(/^OK: \d+ entries .*unbroken chain/);
      expect(ok.status).toBe(0);

      writeFileSync(file, text.replace('"name":"Admin"', '"name":"Mallory"'));
      const tampered = runCli('verify', file);
      expect(tampered.status).toBe(1);
      const changed = lines.findIndex((line) => JSON.stringify(line).includes('"name":"Admin"'));
      expect(tampered.stderr).toContain(`line ${changed + 1}, seq ${lines[changed].seq}: hash does not match`);

      const withoutLine = text.split('\n');
      withoutLine.splice(2, 1);
      writeFileSync(file, withoutLine.join('\n'));
      const gap = runCli('verify', file);
      expect(gap.status).toBe(1);
      expect(gap.stderr).toContain('manifest count');
    });

    it('verifies a filtered range export offline (each hash, and the manifest)', async () => {
      const { text } = await download({ format: 'ndjson', action: 'suggestion.*', fromSeq: '2' });
      const lines = text.trim().split('\n');
      expect(lines).toHaveLength(3);
      const file = join(folder, 'filtered.ndjson');
      writeFileSync(file, text);
      const result = runCli('verify', file);
      expect(result.stdout).toMatch(/OK: 2 entries .*filtered export/);
      expect(result.status).toBe(0);
      writeFileSync(file, lines.slice(1).join('\n'));
      expect(runCli('verify', file).status).toBe(1);
    });

    it('streams RFC 4180 CSV with formulas neutralized, parsed back equal to the entries; manifest sidecar', async () => {
      const entries = await t.auditAfter(0);
      const { text, headers } = await download({ format: 'csv' });
      const toSeq = headers['x-audit-to-seq'];
      const rows = parse<Record<string, string>>(text, { columns: true });
      expect(rows).toHaveLength(Number(toSeq));
      const neutral = (value: string | null) =>
        value === null ? '' : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
      rows.forEach((row, index) => {
        const entry = entries[index];
        expect(row).toEqual({
          seq: String(entry.seq),
          at: entry.at,
          actor_type: entry.actor.type,
          actor_id: entry.actor.id ?? '',
          actor_name: neutral(entry.actor.name),
          on_behalf_of: entry.onBehalfOf ?? '',
          action: entry.action,
          outcome: entry.outcome,
          entity_type: entry.entityType,
          entity_id: entry.entityId ?? '',
          workflow_id: entry.workflowId ?? '',
          changes: JSON.stringify(entry.changes),
          context: JSON.stringify(entry.context),
          data: JSON.stringify(entry.data),
          request_id: entry.requestId ?? '',
          ip: entry.ip ?? '',
          user_agent: neutral(entry.userAgent),
          prev_hash: entry.prevHash,
          hash: entry.hash,
        });
      });
      expect(rows.map((row) => row.actor_name)).toContain(`'=HYPERLINK("http://x")`);
      expect(rows.map((row) => row.user_agent)).toContain(`'@SUM(1+1)`);
      expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);

      const manifest = await get('/api/audit/export/manifest', { toSeq }).expect(200);
      expect(manifest.body).toMatchObject({
        count: rows.length,
        firstSeq: 1,
        lastSeq: Number(toSeq),
        lastHash: rows[rows.length - 1].hash,
        filter: { toSeq },
      });
    });

    it('audits every export with its filter and count, and refuses non-admins', async () => {
      const since = await t.lastSeq();
      await download({ format: 'ndjson', outcome: 'denied' });
      const [entry] = await t.auditAfter(since);
      expect(entry).toMatchObject({
        action: 'audit.exported',
        entityType: 'audit',
        context: { format: 'ndjson', filter: { outcome: 'denied', toSeq: String(since) }, count: 1, complete: true },
      });
      const member = await t.user('member');
      await t.http.get('/api/audit/export').query({ format: 'csv' }).set(bearer(member.token)).expect(403);
      await get('/api/audit/export', { format: 'xml' }).expect(400);
    });
  });

  describe('oversight', () => {
    it('counts approvals, rejections and edits per approver and workflow, and flags rubber-stamping', async () => {
      const audit = t.app.get(AuditService);
      const meta = { requestId: null, ip: null, userAgent: null };
      const fast = await t.user('approver', 'Fast Approver');
      const careful = await t.user('approver', 'Careful Approver');
      const human = (user: { id: string }, name: string) => ({
        type: 'human' as const,
        id: user.id,
        name,
        role: 'approver' as const,
        sessionId: null,
      });
      const decide = (caller: ReturnType<typeof human>, n: number, action: 'approved' | 'rejected', ms: number) =>
        audit.record(caller, meta, {
          action: `suggestion.${action}`,
          entityType: 'suggestion',
          entityId: `01900000-0000-7000-8000-${String(100 + n).padStart(12, '0')}`,
          workflowId,
          context: {
            revision: 1,
            payloadSeen: {},
            timeToDecisionMs: ms,
            ...(n === 7 ? { originalPayload: {}, editedPayload: { a: 1 } } : {}),
          },
        });
      for (let n = 0; n < 6; n += 1) await decide(human(fast, 'Fast Approver'), n, 'approved', 1500);
      await decide(human(careful, 'Careful Approver'), 6, 'rejected', 60_000);
      await decide(human(careful, 'Careful Approver'), 7, 'approved', 120_000);

      const response = await get('/api/audit/oversight', { workflowId }).expect(200);
      const byId = new Map(response.body.approvers.map((row: { approverId: string }) => [row.approverId, row]));
      expect(byId.get(fast.id)).toMatchObject({
        approverName: 'Fast Approver',
        approvals: 6,
        rejections: 0,
        fastApprovals: 6,
        medianTimeToDecisionMs: 1500,
        rubberStampWarning: true,
      });
      expect(byId.get(careful.id)).toMatchObject({
        approvals: 1,
        rejections: 1,
        edits: 1,
        medianTimeToDecisionMs: 90_000,
        rubberStampWarning: false,
      });
      expect(response.body.workflows).toEqual([
        expect.objectContaining({ workflowId, approvals: 8, rejections: 1, edits: 1, autoApproved: 1 }),
      ]);
      expect(response.body.workflows[0].autoApprovedShare).toBeCloseTo(1 / 8);
    });
  });
});
