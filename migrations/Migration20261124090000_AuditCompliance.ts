import { Migration } from '@mikro-orm/migrations';

/**
 * Compliance-grade audit log (issue 6):
 * - `tandem_app`, the role the application runs as (`SET ROLE` on each connection): normal DML everywhere, but only
 *   SELECT and INSERT on audit_log, so append-only holds by privilege as well as by trigger.
 * - `audit_anchor` and `audit_log_purge()`: the one controlled way to remove entries (retention), which refuses
 *   anything younger than 183 days and records the hash the remaining chain starts from.
 * - indexes for the search filters (action prefix, outcome).
 */
export class Migration20261124090000_AuditCompliance extends Migration {
  override up(): void {
    // Roles are cluster-wide and test runs migrate concurrently: creating one that another run just made is fine.
    this.addSql(`do $$ begin
      if not exists (select from pg_roles where rolname = 'tandem_app') then
        begin
          create role tandem_app nologin;
        exception when duplicate_object or unique_violation then null;
        end;
      end if;
      if not pg_has_role(current_user, 'tandem_app', 'member') then
        execute format('grant tandem_app to %I', current_user);
      end if;
    end $$;`);
    this.addSql(`grant usage on schema public to tandem_app;`);
    this.addSql(`grant select, insert, update, delete on all tables in schema public to tandem_app;`);
    this.addSql(`grant usage, select, update on all sequences in schema public to tandem_app;`);
    this.addSql(
      `alter default privileges in schema public grant select, insert, update, delete on tables to tandem_app;`,
    );
    this.addSql(`alter default privileges in schema public grant usage, select, update on sequences to tandem_app;`);
    this.addSql(`revoke all on "audit_log" from tandem_app;`);
    this.addSql(`grant select, insert on "audit_log" to tandem_app;`);
    this.addSql(`revoke insert, update, delete, truncate on "mikro_orm_migrations" from tandem_app;`);

    this.addSql(`create table "audit_anchor" (
      "seq" bigint not null primary key,
      "hash" varchar(64) not null,
      "removed_count" bigint not null,
      "archive" text null,
      "removed_at" timestamptz not null default now());`);
    this.addSql(`revoke all on "audit_anchor" from tandem_app;`);
    this.addSql(`grant select on "audit_anchor" to tandem_app;`);

    // The triggers still refuse UPDATE and TRUNCATE always, and DELETE unless audit_log_purge() is the caller.
    this.addSql(`create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and current_setting('tandem.audit_purge', true) = 'on' then
          return old;
        end if;
        raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`create or replace function audit_log_purge(p_upto bigint, p_before timestamptz, p_archive text)
      returns table (removed bigint, anchor_seq bigint, anchor_hash varchar)
      language plpgsql security definer set search_path = public, pg_temp as $$
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
        perform set_config('tandem.audit_purge', 'on', true);
        delete from audit_log where seq <= p_upto;
        get diagnostics v_count = row_count;
        perform set_config('tandem.audit_purge', 'off', true);
        insert into audit_anchor (seq, hash, removed_count, archive) values (p_upto, v_hash, v_count, p_archive);
        return query select v_count, p_upto, v_hash;
      end $$;`);
    this.addSql(`revoke all on function audit_log_purge(bigint, timestamptz, text) from public;`);
    this.addSql(`grant execute on function audit_log_purge(bigint, timestamptz, text) to tandem_app;`);

    // `action like 'suggestion.%'` can use a btree only with pattern ops (the database collation is not "C").
    this.addSql(
      `create index "audit_log_action_pattern_seq_index" on "audit_log" ("action" varchar_pattern_ops, "seq");`,
    );
    this.addSql(`create index "audit_log_outcome_seq_index" on "audit_log" ("outcome", "seq");`);
  }

  override down(): void {
    this.addSql(`drop index if exists "audit_log_outcome_seq_index";`);
    this.addSql(`drop index if exists "audit_log_action_pattern_seq_index";`);
    this.addSql(`drop function if exists audit_log_purge(bigint, timestamptz, text);`);
    this.addSql(`create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`drop table if exists "audit_anchor";`);
    this.addSql(`alter default privileges in schema public revoke all on tables from tandem_app;`);
    this.addSql(`alter default privileges in schema public revoke all on sequences from tandem_app;`);
    this.addSql(`revoke all on all tables in schema public from tandem_app;`);
    this.addSql(`revoke all on all sequences in schema public from tandem_app;`);
    this.addSql(`revoke all on schema public from tandem_app;`);
  }
}
