import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../mikro-orm.config';

const OWNER_DATABASE_URL = Symbol('OWNER_DATABASE_URL');

/**
 * The owner/maintenance login inside the server (issue 11): only audit retention uses it, through
 * `audit_log_purge()`, which the runtime login may not execute. Opened on first use, one connection.
 */
@Injectable()
export class MaintenanceDatabase implements OnApplicationShutdown {
  private orm: Promise<MikroORM> | null = null;

  constructor(
    @Inject(OWNER_DATABASE_URL) private readonly url: string | null,
    private readonly runtime: MikroORM,
  ) {}

  /** The owner's ORM; the runtime one when no separate owner login is configured (it then has the rights it has). */
  get(): Promise<MikroORM> {
    if (!this.url) return Promise.resolve(this.runtime);
    this.orm ??= MikroORM.init(ormConfig(this.url, 1)).catch((error: unknown) => {
      this.orm = null;
      throw error;
    });
    return this.orm;
  }

  async onApplicationShutdown(): Promise<void> {
    const orm = await this.orm?.catch(() => null);
    await orm?.close(true);
  }
}

@Global()
@Module({})
export class MaintenanceModule {
  static forRoot(ownerDatabaseUrl: string | undefined): DynamicModule {
    return {
      module: MaintenanceModule,
      providers: [{ provide: OWNER_DATABASE_URL, useValue: ownerDatabaseUrl ?? null }, MaintenanceDatabase],
      exports: [MaintenanceDatabase],
    };
  }
}
