import { Controller, Get, Header, HttpCode, Inject, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import { AppError, ErrorCode } from '../../common/app-error';
import { Public } from '../../common/access.decorator';
import { metricsRegistry } from '../../common/metrics';
import { DrainState } from './drain-state';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options';
import { metricsAllowed } from './metrics-access';
import { loadConfig } from '../../config';
import { pingRedis } from './redis-ping';

export interface ReadinessBody {
  status: 'ok' | 'unavailable';
  checks: Record<string, string>;
}

const describe = (error: unknown) => (error instanceof Error ? error.message || error.name : 'unreachable');

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  private readonly metricsToken = loadConfig().metricsToken;

  constructor(
    private readonly orm: MikroORM,
    private readonly drain: DrainState,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: not draining, the database answers with every migration applied, Redis answers (if used). */
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessBody> {
    const checks: Record<string, string> = {};
    if (this.drain.draining) checks.node = 'shutting down';
    const database = async () => {
      try {
        await this.orm.em.fork().execute('select 1');
        checks.database = 'ok';
        const pending = await this.orm.migrator.getPending();
        checks.migrations = pending.length ? `${pending.length} pending` : 'ok';
      } catch (error) {
        checks.database = describe(error);
      }
    };
    const redis = async () => {
      if (!this.options.redisUrl) return;
      try {
        await pingRedis(this.options.redisUrl);
        checks.redis = 'ok';
      } catch (error) {
        checks.redis = describe(error);
      }
    };
    await Promise.all([database(), redis()]);
    const ok = Object.values(checks).every((value) => value === 'ok');
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }

  /**
   * Prometheus text format, for a bearer of `METRICS_TOKEN` (or on the internal `METRICS_PORT`, see MetricsServer).
   * nginx does not expose it: scrape each node directly.
   */
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (!metricsAllowed(this.metricsToken, req.header('authorization'))) {
      throw new AppError(ErrorCode.Unauthorized, 'Metrics need the METRICS_TOKEN bearer token (or use METRICS_PORT)');
    }
    res.type(metricsRegistry.contentType);
    return metricsRegistry.metrics();
  }
}
