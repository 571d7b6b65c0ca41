import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';

/** The owner/maintenance login of the embedded database: owns the schema, runs migrations and retention. */
export const EMBEDDED_OWNER = 'tandem_owner';

export interface EmbeddedLogins {
  owner: { user: string; password: string };
  runtime: { user: string; password: string };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Random passwords made on first start, kept beside the database and readable only by the owner of the process. */
async function loadLogins(dataDir: string, runtimeRole: string): Promise<EmbeddedLogins> {
  const file = join(dataDir, 'db-logins.json');
  type Stored = { owner?: string; runtime?: string };
  const stored: Stored = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Stored,
    (): Stored => ({}),
  );
  const logins = {
    owner: stored.owner ?? randomBytes(24).toString('base64url'),
    runtime: stored.runtime ?? randomBytes(24).toString('base64url'),
  };
  if (logins.owner !== stored.owner || logins.runtime !== stored.runtime) {
    await writeFile(file, JSON.stringify(logins), { mode: 0o600 });
  }
  return {
    owner: { user: EMBEDDED_OWNER, password: logins.owner },
    runtime: { user: runtimeRole, password: logins.runtime },
  };
}

/**
 * The embedded cluster's superuser makes two logins (issue 11): the owner, which owns database `database` and runs
 * migrations and retention, and the runtime login the server runs as (not a superuser, not a member of the owner;
 * migrations grant it its table rights). A database made by an older version (owned by the superuser) is handed
 * over to the owner once.
 */
export async function ensureEmbeddedLogins(
  superuser: (database?: string) => pg.Client,
  options: { dataDir: string; database: string; runtimeRole: string },
): Promise<EmbeddedLogins> {
  const logins = await loadLogins(options.dataDir, options.runtimeRole);
  const owner = ident(logins.owner.user);
  const runtime = ident(logins.runtime.user);
  const admin = superuser();
  await admin.connect();
  try {
    const exists = async (role: string) =>
      (await admin.query('select 1 from pg_roles where rolname = $1', [role])).rowCount === 1;
    const verb = (found: boolean) => (found ? 'alter' : 'create');
    await admin.query(
      `${verb(await exists(logins.owner.user))} role ${owner} login nosuperuser nocreatedb nocreaterole ` +
        `password ${literal(logins.owner.password)}`,
    );
    await admin.query(
      `${verb(await exists(logins.runtime.user))} role ${runtime} login nosuperuser nocreatedb nocreaterole ` +
        `nobypassrls password ${literal(logins.runtime.password)}`,
    );
    // The owner may act as the runtime role (it grants to it); never the other way round.
    await admin.query(`revoke ${owner} from ${runtime}`);
    await admin.query(`grant ${runtime} to ${owner}`);
    const found = await admin.query<{ owner: string }>(
      'select pg_get_userbyid(datdba) as owner from pg_database where datname = $1',
      [options.database],
    );
    if (found.rowCount === 0) {
      await admin.query(`create database ${ident(options.database)} owner ${owner}`);
    } else if (found.rows[0].owner !== logins.owner.user) {
      await admin.query(`alter database ${ident(options.database)} owner to ${owner}`);
      await handOver(superuser, options.database, found.rows[0].owner, logins);
    }
  } finally {
    await admin.end();
  }
  return logins;
}

/** Gives the owner every object of the public schema that the superuser made (migrations of older versions). */
async function handOver(
  superuser: (database?: string) => pg.Client,
  database: string,
  from: string,
  logins: EmbeddedLogins,
): Promise<void> {
  const to = logins.owner.user;
  const client = superuser(database);
  await client.connect();
  try {
    await client.query(`do $$
      declare r record;
      begin
        for r in select c.oid::regclass as name, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
                    and pg_get_userbyid(c.relowner) = ${literal(from)}
                    and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.objid = c.oid
                                                           and d.deptype in ('a', 'i')))
        loop
          execute format('alter table %s owner to %I', r.name, ${literal(to)});
        end loop;
        for r in select p.oid::regprocedure as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                  where n.nspname = 'public' and pg_get_userbyid(p.proowner) = ${literal(from)}
        loop
          execute format('alter function %s owner to %I', r.name, ${literal(to)});
        end loop;
      end $$;`);
    // What migrations granted by default for tables the superuser made, for the tables the owner will make.
    const forOwner = `alter default privileges for role ${ident(to)} in schema public grant`;
    await client.query(`${forOwner} select, insert, update, delete on tables to ${ident(logins.runtime.user)}`);
    await client.query(`${forOwner} usage, select on sequences to ${ident(logins.runtime.user)}`);
  } finally {
    await client.end();
  }
}
