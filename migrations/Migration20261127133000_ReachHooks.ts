import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14: the `interrupt` and `question` suggestion kinds (a text `response`, statuses `answered`/`ignored`), and
 * outgoing webhooks with a durable delivery queue (filled in the transaction that appends the audit entry).
 */
export class Migration20261127133000_ReachHooks extends Migration {
  override name = 'Migration20261127133000_ReachHooks';

  override up(): void | Promise<void> {
    this.addSql(`alter table "suggestions" add "response" text null;`);
    this.addSql(`alter table "suggestions" drop constraint if exists "suggestions_kind_check";`);
    this.addSql(
      `alter table "suggestions" add constraint "suggestions_kind_check" check ("kind" in ('task.update', 'task.move', 'task.create', 'comment', 'custom', 'interrupt', 'question'));`,
    );
    this.addSql(`alter table "suggestions" drop constraint if exists "suggestions_status_check";`);
    this.addSql(
      `alter table "suggestions" add constraint "suggestions_status_check" check ("status" in ('pending', 'approved', 'rejected', 'expired', 'withdrawn', 'answered', 'ignored'));`,
    );

    this.addSql(
      `create table "webhooks" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "url" text not null, "events" jsonb not null, "workflow_id" uuid null, "format" text not null default 'json', "description" text not null default '', "secret" varchar(255) not null, "status" text not null default 'active', "consecutive_failures" int not null default 0, "paused_reason" text null, "created_by" uuid null, primary key ("id"));`,
    );
    this.addSql(`alter table "webhooks" add constraint "webhooks_format_check" check ("format" in ('json', 'slack'));`);
    this.addSql(
      `alter table "webhooks" add constraint "webhooks_status_check" check ("status" in ('active', 'paused'));`,
    );
    this.addSql(`create index "webhooks_status_index" on "webhooks" ("status");`);

    // One row per (webhook, event): its id is the Tandem-Delivery header, the same on every retry.
    this.addSql(
      `create table "webhook_deliveries" ("id" uuid not null, "webhook_id" uuid not null references "webhooks" ("id") on delete cascade, "event_seq" bigint not null, "event_type" varchar(255) not null, "created_at" timestamptz not null default now(), "state" text not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null default now(), "lease_until" timestamptz null, "leased_by" varchar(255) null, "delivered_at" timestamptz null, primary key ("id"), unique ("webhook_id", "event_seq"));`,
    );
    this.addSql(
      `alter table "webhook_deliveries" add constraint "webhook_deliveries_state_check" check ("state" in ('pending', 'delivered', 'failed'));`,
    );
    this.addSql(
      `create index "webhook_deliveries_due_index" on "webhook_deliveries" ("next_attempt_at") where "state" = 'pending';`,
    );
    this.addSql(
      `create table "webhook_attempts" ("id" uuid not null, "delivery_id" uuid not null references "webhook_deliveries" ("id") on delete cascade, "webhook_id" uuid not null, "event_seq" bigint not null, "attempt" int not null, "at" timestamptz not null, "status" int null, "duration_ms" int not null, "error" text null, primary key ("id"));`,
    );
    this.addSql(
      `create index "webhook_attempts_webhook_at_index" on "webhook_attempts" ("webhook_id", "at" desc, "id" desc);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_attempts";`);
    this.addSql(`drop table if exists "webhook_deliveries";`);
    this.addSql(`drop table if exists "webhooks";`);
    this.addSql(`alter table "suggestions" drop column "response";`);
  }
}
