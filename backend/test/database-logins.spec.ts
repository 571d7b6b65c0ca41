import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { StartupError } from '../src/config';
import { ensureRuntimeLogin } from '../src/database/credentials';
import { runMigrations } from '../src/database/migrate';
import { adminQuery, databaseUrl } from './support/services';

/**
 * `DATABASE_URL` + `MIGRATION_DATABASE_URL` (issue 11): the owner provisions the runtime login named in
 * `DATABASE_URL` and migrations grant it exactly the app's rights; a role that could act as the owner is refused.
 * Roles are cluster-wide: each test makes its own and drops it.
 */
describe('database logins with DATABASE_URL and MIGRATION_DATABASE_URL', () => {
  const suffix = randomBytes(3).toString('hex');
  const database = `tandem_test_logins_${suffix}`;
  const roles: string[] = [];
  const role = (name: string) => {
    const full = `tandem_t_${name}_${suffix}`;
    roles.push(full);
    return full;
  };
  const urlAs = (user: string, password: string) => {
    const url = new URL(databaseUrl(database));
    url.username = user;
    url.password = password;
    return url.toString();
  };

  beforeAll(() => adminQuery(`create database ${database}`));
  afterAll(async () => {
    delete process.env.TANDEM_DB_ROLE;
    await adminQuery(`drop database if exists ${database} with (force)`);
    for (const name of roles) {
      await adminQuery(`drop owned by ${name}`).catch(() => undefined);
      await adminQuery(`drop role if exists ${name}`);
    }
  });

  it('creates the runtime login from DATABASE_URL, and migrations grant it the app rights and no more', async () => {
    const runtime = role('rt');
    const runtimeUrl = urlAs(runtime, 'pw-1');
    await ensureRuntimeLogin({ runtimeUrl, ownerUrl: databaseUrl(database), shared: false });
    process.env.TANDEM_DB_ROLE = runtime;
    await runMigrations(databaseUrl(database));

    const client = new pg.Client({ connectionString: runtimeUrl });
    await client.connect();
    try {
      const [me] = (
        await client.query<{ user: string; superuser: boolean; createrole: boolean }>(
          `select current_user as user, rolsuper as superuser, rolcreaterole as createrole
             from pg_roles where rolname = current_user`,
        )
      ).rows;
      expect(me).toEqual({ user: runtime, superuser: false, createrole: false });
      await client.query(`select * from audit_log limit 1`);
      await expect(client.query('delete from audit_log')).rejects.toThrow(/permission denied/);
      await expect(client.query('truncate audit_log')).rejects.toThrow(/permission denied/);
      await expect(client.query('update audit_head set seq = 0')).rejects.toThrow(/permission denied/);
      await client.query(`select count(*) from users`);
    } finally {
      await client.end();
    }
    // A second start finds the login working and leaves it alone.
    await ensureRuntimeLogin({ runtimeUrl, ownerUrl: databaseUrl(database), shared: false });
  });

  it('refuses to provision a runtime login that is a privileged role', async () => {
    const privileged = role('priv');
    await adminQuery(`create role ${privileged} nologin createrole`);
    await expect(
      ensureRuntimeLogin({ runtimeUrl: urlAs(privileged, 'x'), ownerUrl: databaseUrl(database), shared: false }),
    ).rejects.toThrow(StartupError);
  });

  it('refuses to migrate for a runtime role that is a member of the owner', async () => {
    const member = role('member');
    await adminQuery(`create role ${member} login`);
    await adminQuery(`grant postgres to ${member}`);
    const fresh = `${database}_m`;
    await adminQuery(`create database ${fresh}`);
    process.env.TANDEM_DB_ROLE = member;
    try {
      const url = new URL(databaseUrl(database));
      url.pathname = `/${fresh}`;
      await expect(runMigrations(url.toString())).rejects.toThrow(/must not be a member of the owner/);
    } finally {
      await adminQuery(`drop database if exists ${fresh} with (force)`);
    }
  });
});
