import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
}

/** A real HTTP receiver for webhook deliveries: records every request and answers what `respond` says. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  respond: (request: Received, index: number) => number = () => 200;
  private server: Server | null = null;

  private constructor(public port: number) {}

  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(port);
    await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const request = { at: Date.now(), headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown> };
        this.received.push(request);
        res.statusCode = this.respond(request, this.received.length - 1);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Deliveries of one event type. */
  ofType(type: string): Received[] {
    return this.received.filter((request) => request.body.type === type);
  }
}

/** Checks `Tandem-Signature: t=..,v1=..` as a receiver must: HMAC-SHA256(secret, "<t>.<raw body>"). */
export function verifySignature(secret: string, request: Received): boolean {
  const header = String(request.headers['tandem-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${request.raw}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
