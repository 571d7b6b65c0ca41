import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy that holds every byte a client sends for `delayMs` before passing it on (in order); answers come
 * back at once. In front of Redis it makes one node's publishes reach the others late, as a slow network does.
 */
export class DelayingProxy {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly url: string,
  ) {}

  static async start(target: string, delayMs: number): Promise<DelayingProxy> {
    const { hostname, port } = new URL(target);
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = connect(Number(port), hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port: own } = server.address() as { port: number };
    return new DelayingProxy(server, sockets, `redis://127.0.0.1:${own}`);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
