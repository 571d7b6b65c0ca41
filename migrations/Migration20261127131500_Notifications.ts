import { Migration } from '@mikro-orm/migrations';

/**
 * Notifications and review routing (issue 14, section 2): a per-user inbox (also the email outbox: `email` says
 * how a row is to be mailed, `emailed_at` that it was), per-user email preferences, and a suggestion's reviewers.
 */
export class Migration20261127131500_Notifications extends Migration {
  override name = 'Migration20261127131500_Notifications';

  override up(): void | Promise<void> {
    this.addSql(`create table "notifications" (
      "id" uuid not null primary key,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "type" varchar(40) not null,
      "data" jsonb not null,
      "created_at" timestamptz not null,
      "read_at" timestamptz null,
      "email" varchar(10) null check ("email" in ('now', 'digest')),
      "emailed_at" timestamptz null
    );`);
    this.addSql(`create index "notifications_user_id_id_index" on "notifications" ("user_id", "id" desc);`);
    this.addSql(`create index "notifications_unread_index" on "notifications" ("user_id") where "read_at" is null;`);
    this.addSql(
      `create index "notifications_outbox_index" on "notifications" ("email", "user_id", "created_at")
         where "email" is not null and "emailed_at" is null;`,
    );
    this.addSql(`create table "notification_preferences" (
      "user_id" uuid not null primary key references "users" ("id") on delete cascade,
      "email" boolean not null default true,
      "updated_at" timestamptz not null
    );`);
    this.addSql(`alter table "suggestions" add "reviewers" jsonb null;`);
    this.addSql(`create index "suggestions_reviewers_index" on "suggestions" using gin ("reviewers" jsonb_path_ops);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "suggestions_reviewers_index";`);
    this.addSql(`alter table "suggestions" drop column "reviewers";`);
    this.addSql(`drop table if exists "notification_preferences";`);
    this.addSql(`drop table if exists "notifications";`);
  }
}
