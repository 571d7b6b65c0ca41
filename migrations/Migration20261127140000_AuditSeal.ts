import { Migration } from '@mikro-orm/migrations';
import { loadConfig } from '../backend/src/config';

/** SQL identifier and literal for the runtime role's name (configurable: `TANDEM_DB_ROLE`). */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (name: string) => `'${name.replace(/'/g, "''")}'`;

/**
 * The audit log's guarantees hold against the app's own login (issue 11, part 3). The server no longer connects as
 * the owner and `SET ROLE`s down (a `RESET ROLE` took it back); it logs in as its own role, and migrations and
 * retention use the owner's separate credential. This migration:
 * - grants the runtime role (`TANDEM_DB_ROLE`, default `tandem_app`) what it needs and no more: DML on the feature
 *   tables, SELECT/INSERT on audit_log and audit_checkpoint, SELECT on audit_anchor/audit_head, USAGE on sequences
 *   (nextval, never setval), no EXECUTE on the purge function; it refuses a runtime role that could act as the owner;
 * - removes the `tandem.audit_purge` switch: a DELETE passes the trigger only for the table owner, only for entries
 *   older than the 183-day floor and covered by a retention anchor (archived first), checked row by row;
 * - keeps the highest seq ever issued in audit_head, advanced by an owner-rights trigger on every insert, which
 *   refuses a seq at or below it: deleting the newest entries cannot make the next write reuse their seq;
 * - adds audit_checkpoint, the signed `{seq, hash, at}` of the head, append-only like the log.
 */
export class Migration20261127140000_AuditSeal extends Migration {
  /** Read when the migration runs: `TANDEM_DB_ROLE`, or `DATABASE_URL`'s user next to a `MIGRATION_DATABASE_URL`. */
  private readonly role = loadConfig().dbRole;

  override up(): void {
    const role = ident(this.role);
    // Roles are cluster-wide and test runs migrate concurrently: creating one that another run just made is fine.
    // A role created here cannot log in: the operator gives it LOGIN and a password (the embedded database does).
    this.addSql(`do $$ begin
      if not exists (select from pg_roles where rolname = ${literal(this.role)}) then
        begin
          create role ${role} nologin;
        exception when duplicate_object or unique_violation then null;
        end;
      end if;
      if current_user = ${literal(this.role)} then
        raise exception 'migrations must run as the owner (MIGRATION_DATABASE_URL), not as the runtime role %', current_user;
      end if;
      if (select rolsuper or rolbypassrls or rolcreaterole from pg_roles where rolname = ${literal(this.role)}) then
        raise exception 'the runtime role % must not be a superuser, bypass RLS or create roles', ${literal(this.role)};
      end if;
      if pg_has_role(${literal(this.role)}, current_user, 'member') then
        raise exception 'the runtime role % must not be a member of the owner %', ${literal(this.role)}, current_user;
      end if;
    end $$;`);

    this.addSql(`create table "audit_head" (
      "id" boolean not null primary key default true check ("id"),
      "seq" bigint not null,
      "hash" varchar(64) not null);`);
    this.addSql(`insert into "audit_head" ("seq", "hash")
      select coalesce(max(seq), 0),
             coalesce((select hash from audit_log order by seq desc limit 1), repeat('0', 64))
        from audit_log;`);
    // Security definer: the runtime role may not UPDATE audit_head itself, so it cannot move the head back.
    this.addSql(`create or replace function audit_log_advance_head() returns trigger
      language plpgsql security definer set search_path = public, pg_temp as $$
      declare
        v_head bigint;
        v_lowest bigint;
      begin
        select seq into v_head from audit_head for update;
        select min(seq) into v_lowest from inserted;
        if v_lowest <= v_head then
          raise exception 'audit_log: seq % was already issued (the highest issued is %); seqs are never reused',
            v_lowest, v_head using errcode = 'unique_violation';
        end if;
        update audit_head set (seq, hash) = (select seq, hash from inserted order by seq desc limit 1);
        return null;
      end $$;`);
    this.addSql(`create trigger audit_log_head after insert on "audit_log" referencing new table as inserted
      for each statement execute function audit_log_advance_head();`);

    this.addSql(`create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and tg_table_name = 'audit_log'
           and pg_has_role(current_user, (select relowner from pg_class where oid = tg_relid), 'USAGE')
           and old.at < now() - interval '183 days'
           and old.seq <= (select coalesce(max(seq), 0) from audit_anchor) then
          return old;
        end if;
        raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    // Retention runs on the owner's connection; the anchor is written first, so the trigger sees it cover the rows.
    this.addSql(`create or replace function audit_log_purge(p_upto bigint, p_before timestamptz, p_archive text)
      returns table (removed bigint, anchor_seq bigint, anchor_hash varchar)
      language plpgsql security invoker set search_path = public, pg_temp as $$
      declare
        v_head bigint;
        v_hash varchar;
        v_count bigint;
      begin
        if p_before > now() - interval '183 days' then
          raise exception 'audit retention: entries younger than 183 days are never removed'
            using errcode = 'insufficient_privilege';
        end if;
        perform pg_advisory_xact_lock(748102331);
        select max(seq) into v_head from audit_log;
        if p_upto >= v_head then
          raise exception 'audit retention: the newest entry (seq %) stays', v_head using errcode = 'check_violation';
        end if;
        if exists (select 1 from audit_log where seq <= p_upto and at >= p_before) then
          raise exception 'audit retention: entries up to seq % are not all older than %', p_upto, p_before
            using errcode = 'check_violation';
        end if;
        select hash into v_hash from audit_log where seq = p_upto;
        if v_hash is null then
          raise exception 'audit retention: seq % is not in the log', p_upto using errcode = 'check_violation';
        end if;
        select count(*) into v_count from audit_log where seq <= p_upto;
        insert into audit_anchor (seq, hash, removed_count, archive) values (p_upto, v_hash, v_count, p_archive);
        delete from audit_log where seq <= p_upto;
        return query select v_count, p_upto, v_hash;
      end $$;`);
    this.addSql(`revoke all on function audit_log_purge(bigint, timestamptz, text) from public;`);

    this.addSql(`create table "audit_checkpoint" (
      "seq" bigint not null primary key,
      "hash" varchar(64) not null,
      "at" timestamptz not null,
      "signature" text not null,
      "key_id" varchar(64) not null);`);
    this.addSql(`create trigger audit_checkpoint_no_update_delete before update or delete on "audit_checkpoint"
      for each row execute function audit_log_refuse_change();`);
    this.addSql(`create trigger audit_checkpoint_no_truncate before truncate on "audit_checkpoint"
      for each statement execute function audit_log_refuse_change();`);

    this.addSql(`grant usage on schema public to ${role};`);
    this.addSql(`grant select, insert, update, delete on all tables in schema public to ${role};`);
    this.addSql(`revoke all on "audit_log", "audit_anchor", "audit_head", "audit_checkpoint", "mikro_orm_migrations"
      from ${role};`);
    this.addSql(`grant select, insert on "audit_log", "audit_checkpoint" to ${role};`);
    this.addSql(`grant select on "audit_anchor", "audit_head", "mikro_orm_migrations" to ${role};`);
    this.addSql(`revoke all on all sequences in schema public from ${role};`);
    this.addSql(`grant usage, select on all sequences in schema public to ${role};`);
    this.addSql(`revoke all on function audit_log_purge(bigint, timestamptz, text) from ${role};`);
    this.addSql(`alter default privileges in schema public grant select, insert, update, delete on tables to ${role};`);
    this.addSql(`alter default privileges in schema public revoke update on sequences from ${role};`);
    this.addSql(`alter default privileges in schema public grant usage, select on sequences to ${role};`);
  }

  override down(): void {
    this.addSql(`drop table if exists "audit_checkpoint";`);
    this.addSql(`drop trigger if exists audit_log_head on "audit_log";`);
    this.addSql(`drop function if exists audit_log_advance_head();`);
    this.addSql(`drop table if exists "audit_head";`);
  }
}
