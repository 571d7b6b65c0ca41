import { Migration } from '@mikro-orm/migrations';

/** Per-column WIP limits of a workflow (issue 4, point 9); existing workflows start with none. */
export class Migration20261123180408_WorkflowWipLimits extends Migration {
  override name = 'Migration20261123180408_WorkflowWipLimits';

  override up(): void | Promise<void> {
    this.addSql(`alter table "workflows" add "wip_limits" jsonb not null default '{}';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "workflows" drop column "wip_limits";`);
  }
}
