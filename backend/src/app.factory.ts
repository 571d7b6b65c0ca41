import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { AppModule, type AppOptions } from './app.module';
import { HttpErrorFilter } from './common/http-error.filter';
import { requestMeta } from './common/request-meta.middleware';
import { findFrontendDir, staticFrontend } from './common/static-frontend';
import { createValidationPipe } from './common/validation.pipe';
import { RealtimeRedis } from './realtime/realtime-redis';
import { REALTIME_OPTIONS, type RealtimeOptions } from './realtime/realtime.options';
import { TandemIoAdapter } from './realtime/tandem-io.adapter';

/** Builds the configured app (not yet listening): used by `main.ts` and by the tests alike. */
export async function createApp(options: AppOptions & { logger?: boolean }): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bodyParser: false,
    logger: options.logger === false ? false : ['error', 'warn', 'log'],
  });
  app.set('trust proxy', 'loopback');
  app.useBodyParser('json', { limit: '1mb' });
  app.use(cookieParser());
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
  app.useWebSocketAdapter(new TandemIoAdapter(app, app.get(RealtimeRedis), realtime.redisPrefix));
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
  app.enableShutdownHooks();
  return app;
}
