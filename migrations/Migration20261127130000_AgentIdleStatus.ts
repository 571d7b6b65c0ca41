import { Migration } from '@mikro-orm/migrations';

/** Agents may report `idle` (connected, waiting for work) besides `online` and `busy` (issue 13, point 1). */
export class Migration20261127130000_AgentIdleStatus extends Migration {
  override name = 'Migration20261127130000_AgentIdleStatus';

  override up(): void | Promise<void> {
    this.addSql(`alter table "agents" drop constraint if exists "agents_status_check";`);
    this.addSql(
      `alter table "agents" add constraint "agents_status_check" check ("status" in ('online', 'busy', 'idle', 'offline'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`update "agents" set "status" = 'online' where "status" = 'idle';`);
    this.addSql(`alter table "agents" drop constraint if exists "agents_status_check";`);
    this.addSql(
      `alter table "agents" add constraint "agents_status_check" check ("status" in ('online', 'busy', 'offline'));`,
    );
  }
}
