import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log keeps the entity after each change (so real-time replay is exact), and refuses UPDATE, DELETE and
 * TRUNCATE in the database itself (DESIGN 6), whoever the caller is.
 */
export class Migration20261123180000_AuditAppendOnly extends Migration {
  override up(): void {
    this.addSql(`alter table "audit_log" add column "data" jsonb null;`);
    this.addSql(`create index "audit_log_entity_type_seq_index" on "audit_log" ("entity_type", "seq");`);
    this.addSql(`create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`create trigger audit_log_no_update_delete before update or delete on "audit_log"
      for each row execute function audit_log_refuse_change();`);
    this.addSql(`create trigger audit_log_no_truncate before truncate on "audit_log"
      for each statement execute function audit_log_refuse_change();`);
  }

  override down(): void {
    this.addSql(`drop trigger if exists audit_log_no_truncate on "audit_log";`);
    this.addSql(`drop trigger if exists audit_log_no_update_delete on "audit_log";`);
    this.addSql(`drop function if exists audit_log_refuse_change();`);
    this.addSql(`drop index if exists "audit_log_entity_type_seq_index";`);
    this.addSql(`alter table "audit_log" drop column "data";`);
  }
}
