import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DrainState } from './drain-state';
import { InFlight } from './graceful-shutdown';
import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options';
import { MetricsServer } from './metrics-access';

/** Liveness, readiness, metrics, and the drain flag that graceful shutdown sets (global: others may read it). */
@Global()
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [DrainState, InFlight, MetricsServer, { provide: HEALTH_OPTIONS, useValue: options }],
      exports: [DrainState, InFlight],
    };
  }
}
