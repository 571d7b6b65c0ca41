import { Migration } from '@mikro-orm/migrations';

/**
 * Hardened sign-in (issue 11, section 4): two-factor (TOTP secret, recovery-code hashes, last used step), the
 * second-step challenges of a two-factor sign-in, and where each session was opened (the Account page lists them).
 */
export class Migration20261127132127_SignIn extends Migration {
  override name = 'Migration20261127132127_SignIn';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "mfa_challenges" ("id" uuid not null, "token_hash" varchar(255) not null, "user_id" uuid not null, "attempts" int not null default 0, "expires_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "mfa_challenges" add constraint "mfa_challenges_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(`create index "mfa_challenges_user_id_index" on "mfa_challenges" ("user_id");`);
    this.addSql(`alter table "sessions" add "ip" varchar(255) null, add "user_agent" text null;`);
    this.addSql(
      `alter table "users" add "mfa_secret" varchar(255) null, add "mfa_pending_secret" varchar(255) null, add "mfa_enabled_at" timestamptz null, add "mfa_recovery_hashes" jsonb not null default '[]', add "mfa_last_step" int null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "mfa_challenges" cascade;`);
    this.addSql(`alter table "sessions" drop column "ip", drop column "user_agent";`);
    this.addSql(
      `alter table "users" drop column "mfa_secret", drop column "mfa_pending_secret", drop column "mfa_enabled_at", drop column "mfa_recovery_hashes", drop column "mfa_last_step";`,
    );
  }
}
