import { Migration } from '@mikro-orm/migrations';

export class Migration20261123175446_Initial extends Migration {
  override name = 'Migration20261123175446_Initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "agents" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" varchar(255) not null, "description" text not null default '', "capabilities" jsonb not null, "api_key_hash" varchar(255) null, "revoked_at" timestamptz null, "status" text not null default 'offline', "last_seen" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "agents" add constraint "agents_api_key_hash_unique" unique ("api_key_hash");`);

    this.addSql(
      `create table "audit_log" ("seq" bigint not null, "at" timestamptz not null, "actor_type" varchar(255) not null, "actor_id" uuid null, "actor_name" varchar(255) not null, "on_behalf_of" varchar(255) null, "action" varchar(255) not null, "outcome" varchar(255) not null, "entity_type" varchar(255) not null, "entity_id" uuid null, "workflow_id" uuid null, "changes" jsonb not null, "context" jsonb not null, "request_id" varchar(255) null, "ip" varchar(255) null, "user_agent" text null, "prev_hash" varchar(255) not null, "hash" varchar(255) not null, primary key ("seq"));`,
    );
    this.addSql(`create index "audit_log_action_seq_index" on "audit_log" ("action", "seq");`);
    this.addSql(
      `create index "audit_log_actor_type_actor_id_seq_index" on "audit_log" ("actor_type", "actor_id", "seq");`,
    );
    this.addSql(
      `create index "audit_log_entity_type_entity_id_seq_index" on "audit_log" ("entity_type", "entity_id", "seq");`,
    );
    this.addSql(`create index "audit_log_workflow_id_seq_index" on "audit_log" ("workflow_id", "seq");`);
    this.addSql(`create index "audit_log_at_index" on "audit_log" ("at");`);

    this.addSql(
      `create table "sessions" ("id" uuid not null, "token_hash" varchar(255) not null, "user_id" uuid not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "sessions" add constraint "sessions_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);

    this.addSql(
      `create table "users" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "email" varchar(255) not null, "name" varchar(255) not null, "password_hash" varchar(255) not null, "role" text not null default 'viewer', "disabled" boolean not null default false, primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(
      `create table "workflows" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" varchar(255) not null, "description" text not null default '', "status" text not null default 'draft', "created_by" uuid null, "policy" jsonb not null, "archived_at" timestamptz null, primary key ("id"));`,
    );

    this.addSql(
      `create table "workflow_agents" ("workflow_id" uuid not null, "agent_id" uuid not null, primary key ("workflow_id", "agent_id"));`,
    );

    this.addSql(
      `create table "tasks" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "workflow_id" uuid not null, "title" text not null, "description" text not null default '', "status" text not null default 'pending', "rank" varchar(255) collate "C" not null, "priority" text not null default 'medium', "due_date" timestamptz null, "agent_id" uuid null, "assignee_user_id" uuid null, "labels" jsonb not null, "started_at" timestamptz null, "completed_at" timestamptz null, "duration_seconds" int null, "claimed_by" uuid null, "claim_expires_at" timestamptz null, "created_by" uuid null, "updated_by" uuid null, "deleted_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "tasks_workflow_id_status_rank_index" on "tasks" ("workflow_id", "status", "rank");`);

    this.addSql(
      `create table "suggestions" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "task_id" uuid null, "workflow_id" uuid not null, "agent_id" uuid not null, "kind" text not null, "action" text not null, "reasoning" text not null default '', "payload" jsonb not null, "confidence" double precision not null, "status" text not null default 'pending', "revision" int not null default 1, "revisions" jsonb not null, "task_version" int null, "idempotency_key" varchar(255) not null, "edited" boolean not null default false, "approvals" jsonb not null, "decided_by" uuid null, "decided_by_name" varchar(255) null, "decided_at" timestamptz null, "decision_note" text null, "changes_requested" boolean not null default false, "expires_at" timestamptz null, "escalated" boolean not null default false, primary key ("id"));`,
    );
    this.addSql(`create index "suggestions_status_created_at_index" on "suggestions" ("status", "created_at");`);
    this.addSql(
      `alter table "suggestions" add constraint "suggestions_agent_id_idempotency_key_unique" unique ("agent_id", "idempotency_key");`,
    );

    this.addSql(
      `create table "comments" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "task_id" uuid not null, "workflow_id" uuid not null, "author_type" text not null, "author_id" uuid not null, "author_name" varchar(255) not null, "body" text not null, "parent_id" uuid null, "edited_at" timestamptz null, "deleted_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "comments_task_id_created_at_index" on "comments" ("task_id", "created_at");`);

    this.addSql(
      `alter table "agents" add constraint "agents_status_check" check ("status" in ('online', 'busy', 'offline'));`,
    );

    this.addSql(
      `alter table "users" add constraint "users_role_check" check ("role" in ('viewer', 'member', 'approver', 'admin'));`,
    );

    this.addSql(
      `alter table "workflows" add constraint "workflows_status_check" check ("status" in ('draft', 'running', 'paused', 'completed', 'failed'));`,
    );

    this.addSql(
      `alter table "workflow_agents" add constraint "workflow_agents_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "workflow_agents" add constraint "workflow_agents_agent_id_foreign" foreign key ("agent_id") references "agents" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "tasks" add constraint "tasks_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("id");`,
    );
    this.addSql(
      `alter table "tasks" add constraint "tasks_agent_id_foreign" foreign key ("agent_id") references "agents" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "tasks" add constraint "tasks_assignee_user_id_foreign" foreign key ("assignee_user_id") references "users" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "tasks" add constraint "tasks_status_check" check ("status" in ('pending', 'in_progress', 'review', 'completed', 'failed'));`,
    );
    this.addSql(
      `alter table "tasks" add constraint "tasks_priority_check" check ("priority" in ('high', 'medium', 'low'));`,
    );

    this.addSql(
      `alter table "suggestions" add constraint "suggestions_task_id_foreign" foreign key ("task_id") references "tasks" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "suggestions" add constraint "suggestions_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("id");`,
    );
    this.addSql(
      `alter table "suggestions" add constraint "suggestions_agent_id_foreign" foreign key ("agent_id") references "agents" ("id");`,
    );
    this.addSql(
      `alter table "suggestions" add constraint "suggestions_kind_check" check ("kind" in ('task.update', 'task.move', 'task.create', 'comment', 'custom'));`,
    );
    this.addSql(
      `alter table "suggestions" add constraint "suggestions_status_check" check ("status" in ('pending', 'approved', 'rejected', 'expired', 'withdrawn'));`,
    );

    this.addSql(
      `alter table "comments" add constraint "comments_task_id_foreign" foreign key ("task_id") references "tasks" ("id");`,
    );
    this.addSql(
      `alter table "comments" add constraint "comments_workflow_id_foreign" foreign key ("workflow_id") references "workflows" ("id");`,
    );
    this.addSql(
      `alter table "comments" add constraint "comments_parent_id_foreign" foreign key ("parent_id") references "comments" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "comments" add constraint "comments_author_type_check" check ("author_type" in ('human', 'agent'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "workflow_agents" drop constraint "workflow_agents_agent_id_foreign";`);
    this.addSql(`alter table "tasks" drop constraint "tasks_agent_id_foreign";`);
    this.addSql(`alter table "suggestions" drop constraint "suggestions_agent_id_foreign";`);
    this.addSql(`alter table "tasks" drop constraint "tasks_assignee_user_id_foreign";`);
    this.addSql(`alter table "workflow_agents" drop constraint "workflow_agents_workflow_id_foreign";`);
    this.addSql(`alter table "tasks" drop constraint "tasks_workflow_id_foreign";`);
    this.addSql(`alter table "suggestions" drop constraint "suggestions_workflow_id_foreign";`);
    this.addSql(`alter table "comments" drop constraint "comments_workflow_id_foreign";`);
    this.addSql(`alter table "suggestions" drop constraint "suggestions_task_id_foreign";`);
    this.addSql(`alter table "comments" drop constraint "comments_task_id_foreign";`);
    this.addSql(`alter table "comments" drop constraint "comments_parent_id_foreign";`);

    this.addSql(`drop table if exists "agents" cascade;`);
    this.addSql(`drop table if exists "audit_log" cascade;`);
    this.addSql(`drop table if exists "sessions" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "workflows" cascade;`);
    this.addSql(`drop table if exists "workflow_agents" cascade;`);
    this.addSql(`drop table if exists "tasks" cascade;`);
    this.addSql(`drop table if exists "suggestions" cascade;`);
    this.addSql(`drop table if exists "comments" cascade;`);
  }
}
