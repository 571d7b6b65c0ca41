import { adminQuery } from './support/services';
import { bearer, createTestDatabase, startTestApp, type TestApp } from './support/test-app';

/** Two backend nodes on one database append concurrently: the advisory lock keeps one chain without forks or gaps. */
describe('audit chain under concurrent writers on two nodes', () => {
  let database: string;
  let nodes: TestApp[];
  beforeAll(async () => {
    database = await createTestDatabase();
    nodes = [await startTestApp({ database }), await startTestApp({ database })];
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('leaves one unbroken, gap-free chain', async () => {
    const before = await nodes[0].lastSeq();
    const writes = Array.from({ length: 60 }, (_, n) => {
      const node = nodes[n % 2];
      return node.http
        .post('/api/workflows')
        .set(bearer(node.adminToken))
        .send({ name: `concurrent ${n}` })
        .expect(201);
    });
    await Promise.all(writes);
    const rows = await nodes[1].sql<{ seq: string }>('select seq from audit_log where seq > $1 order by seq', [before]);
    expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: 60 }, (_, n) => before + n + 1));
    for (const node of nodes) {
      const verify = await node.http.get('/api/audit/verify').set(bearer(node.adminToken)).expect(200);
      expect(verify.body).toEqual({ ok: true, checked: before + 60 });
    }
  });
});
