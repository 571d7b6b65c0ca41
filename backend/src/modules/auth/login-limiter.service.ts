import { Inject, Injectable, Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { MemoryCounterStorage, type CounterStorage } from '../../common/counter-storage';
import { COUNTER_STORAGE } from '../../common/rate-limit';
import { loadConfig } from '../../config';
import { sha256Hex } from '../../common/secrets';

export interface LoginBlock {
  scope: 'account' | 'address';
  retryAfterSeconds: number;
  /** The first refusal of this window: audited; the later ones are only counted. */
  first: boolean;
}

/**
 * Brute-force limit of sign-in (SECURITY.md): refused attempts per account and per client address, in fixed
 * windows that start at the first refusal. It keeps its counts in the app's `CounterStorage` (shared by all nodes
 * through Redis) and, without Redis or while it is
 * unreachable, in this node's memory: a Redis outage must not switch the limit off.
 */
@Injectable()
export class LoginLimiter {
  private readonly logger = new Logger('LoginLimiter');
  private readonly config = loadConfig();
  private readonly memory = new MemoryCounterStorage();
  private readonly namespace: string;
  private lastWarning = 0;

  constructor(
    orm: MikroORM,
    @Inject(COUNTER_STORAGE) private readonly shared: CounterStorage,
  ) {
    // Deployments (and test runs) that share one Redis and prefix but not a database keep separate counts.
    this.namespace = `${this.config.redisPrefix}:login:${String(orm.config.get('dbName') ?? '')}`;
  }

  private warn(error: unknown) {
    if (Date.now() - this.lastWarning < 5000) return;
    this.lastWarning = Date.now();
    this.logger.warn(`Redis unavailable (${String(error)}); sign-in limits are kept in memory meanwhile`);
  }

  private get windowMs() {
    return this.config.loginWindowSeconds * 1000;
  }

  private keys(email: string, ip: string | null) {
    return {
      account: `${this.namespace}:account:${sha256Hex(email)}`,
      address: `${this.namespace}:address:${ip ?? 'unknown'}`,
    };
  }

  /** The shared storage when it answers, this node's memory otherwise. */
  private async use<T>(work: (store: CounterStorage) => Promise<T>): Promise<T> {
    try {
      return await work(this.shared);
    } catch (error) {
      this.warn(error);
      return work(this.memory);
    }
  }

  /** Whether this attempt is refused before the password is even checked. */
  async check(email: string, ip: string | null): Promise<LoginBlock | null> {
    const keys = this.keys(email, ip);
    return this.use(async (store) => {
      const [account, address] = await Promise.all([store.peek(keys.account), store.peek(keys.address)]);
      const scope =
        address.count >= this.config.loginMaxFailuresPerIp
          ? 'address'
          : account.count >= this.config.loginMaxFailuresPerAccount
            ? 'account'
            : null;
      if (!scope) return null;
      const ttlMs = scope === 'address' ? address.ttlMs : account.ttlMs;
      const refusals = await store.increment(
        `${scope === 'address' ? keys.address : keys.account}:refused`,
        ttlMs || 1000,
      );
      return { scope, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)), first: refusals.count === 1 };
    });
  }

  /** A wrong password (or two-factor code): counts against both the account and the address. */
  async failed(email: string, ip: string | null): Promise<void> {
    const keys = this.keys(email, ip);
    await this.use((store) =>
      Promise.all([store.increment(keys.account, this.windowMs), store.increment(keys.address, this.windowMs)]),
    );
  }

  /** A completed sign-in clears the account's count (not the address's: one good account must not launder it). */
  async succeeded(email: string): Promise<void> {
    const keys = this.keys(email, null);
    await this.use((store) => store.reset(keys.account));
  }
}
