import { ConfigError, loadConfig, MIN_AUDIT_RETENTION_DAYS } from './config';

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      redisUrl: undefined,
      demo: true,
      dbRole: 'tandem_app',
      auditRetentionDays: MIN_AUDIT_RETENTION_DAYS,
      rateLimits: { humanPerMinute: 600, agentPerMinute: 300 },
      socketMaxBufferedEvents: 2000,
      schedulerIntervalMs: 1000,
      migrateOnStart: true,
    });
  });

  it('converts numbers and flags', () => {
    const config = loadConfig({
      PORT: '8080',
      DEMO: '0',
      RATE_LIMIT_AGENT_PER_MINUTE: '0',
      AUDIT_CHECKPOINT_SECONDS: '0',
    });
    expect(config).toMatchObject({ port: 8080, demo: false, auditCheckpointSeconds: 0 });
    expect(config.rateLimits.agentPerMinute).toBe(0);
  });

  it('takes the runtime role from DATABASE_URL when a separate owner login is given', () => {
    const owner = 'postgres://owner:x@db:5432/tandem';
    expect(loadConfig({ DATABASE_URL: 'postgres://app_rt:y@db:5432/tandem' }).dbRole).toBe('tandem_app');
    expect(
      loadConfig({ DATABASE_URL: 'postgres://app_rt:y@db:5432/tandem', MIGRATION_DATABASE_URL: owner }).dbRole,
    ).toBe('app_rt');
    expect(
      loadConfig({ DATABASE_URL: 'postgres://app_rt:y@db/tandem', MIGRATION_DATABASE_URL: owner, TANDEM_DB_ROLE: 'r' })
        .dbRole,
    ).toBe('r');
  });

  it('refuses a port that is not a number, naming the variable and the value', () => {
    const found = problems({ PORT: 'abc' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^PORT .*integer.*\(got "abc"\)$/);
  });

  it('lists every bad variable at once', () => {
    const found = problems({
      PORT: '70000',
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'localhost:6379',
      DEMO: 'yes',
      AUDIT_RETENTION_DAYS: '30',
      LOG_LEVEL: 'loud',
      SOCKET_MAX_BUFFERED_EVENTS: '-1',
    });
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'REDIS_URL',
      'DEMO',
      'AUDIT_RETENTION_DAYS',
      'LOG_LEVEL',
      'SOCKET_MAX_BUFFERED_EVENTS',
    ]) {
      expect(found.some((problem) => problem.startsWith(name))).toBe(true);
    }
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' })).toMatchObject({ port: 3000, redisUrl: undefined });
  });
});
