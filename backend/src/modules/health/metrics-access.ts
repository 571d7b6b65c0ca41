import { createServer, type Server } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { metricsRegistry } from '../../common/metrics';
import { loadConfig } from '../../config';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Who may read `/metrics` on the main port: with `METRICS_TOKEN`, a caller presenting it as a bearer token;
 * with only `METRICS_PORT` (or neither), nobody there: metrics name routes, counts and Redis health, which
 * an outsider has no business reading.
 */
export function metricsAllowed(expected: string | undefined, authorization: string | undefined): boolean {
  const given = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return !!expected && !!given && timingSafeEqual(digest(expected), digest(given));
}

/** `METRICS_PORT`: a second, internal listener that serves only `/metrics` (no token: keep the port private). */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | null = null;

  async onApplicationBootstrap(): Promise<void> {
    const port = loadConfig().metricsPort;
    if (port === undefined) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      metricsRegistry.metrics().then(
        (text) =>
          res.writeHead(200, { 'content-type': metricsRegistry.contentType, 'cache-control': 'no-store' }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics on internal port ${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
