import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { AppModule, type AppOptions } from './app.module';
import { HttpErrorFilter } from './common/http-error.filter';
import { inputGuard } from './common/input-guard';
import { httpMetrics } from './common/metrics';
import { requestMeta } from './common/request-meta.middleware';
import { findFrontendDir, staticFrontend } from './common/static-frontend';
import { createValidationPipe } from './common/validation.pipe';
import { securityHeaders } from './common/security-headers';
import { loadConfig } from './config';
import { InFlight } from './modules/health/graceful-shutdown';
import { RealtimeRedis } from './realtime/realtime-redis';
import { REALTIME_OPTIONS, type RealtimeOptions } from './realtime/realtime.options';
import { TandemIoAdapter } from './realtime/tandem-io.adapter';

/** Builds the configured app (not yet listening): used by `main.ts` and by the tests alike. */
export async function createApp(options: AppOptions): Promise<INestApplication> {
  const logging = options.logger !== false;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bodyParser: false,
    ...(logging ? { bufferLogs: true } : { logger: false }),
  });
  // Nest's own messages and every service's `Logger` through pino, with the request id while a request runs.
  if (logging) app.useLogger(app.get(Logger));
  const config = loadConfig();
  // X-Forwarded-For/Proto are believed only from the proxies named in TRUST_PROXY (none by default): anyone else
  // could otherwise pick their own address (and dodge the sign-in limit) or claim HTTPS.
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(securityHeaders(config));
  // First, so that a request still receiving its body counts as in flight (graceful shutdown waits for it).
  app.use(httpMetrics);
  app.use(app.get(InFlight).middleware);
  app.useBodyParser('json', { limit: '1mb' });
  app.use(inputGuard);
  app.use(cookieParser());
  // Before the logger's middleware (a module's, so it runs after these), whose request id it sets.
  app.use(requestMeta);
  const frontendDir = findFrontendDir();
  if (frontendDir) app.use(staticFrontend(frontendDir));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  const realtime = app.get<RealtimeOptions>(REALTIME_OPTIONS);
  app.useWebSocketAdapter(
    new TandemIoAdapter(app, app.get(RealtimeRedis), realtime.redisPrefix, config.redisPubSub.sharded),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tandem')
      .setDescription('Human-in-the-loop collaboration for AI agent workflows')
      .addBearerAuth()
      .addCookieAuth('tandem_session')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/json' });
  // No enableShutdownHooks(): main.ts owns SIGTERM (gracefulShutdown drains before app.close()).
  return app;
}
