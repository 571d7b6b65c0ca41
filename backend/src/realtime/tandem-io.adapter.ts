import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import type { RealtimeRedis } from './realtime-redis';

/**
 * Socket.IO on the HTTP server's port, fanned out across nodes through Redis when there is a Redis
 * (DESIGN 5); without one, Socket.IO's in-memory adapter serves a single node.
 */
export class TandemIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly redis: RealtimeRedis | null,
    private readonly prefix: string,
    private readonly sharded = false,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options);
    if (!this.redis) return server;
    const { pub, sub } = this.redis;
    server.adapter(
      this.sharded
        ? // One shard channel per room (dynamic): rooms spread over a cluster's masters.
          createShardedAdapter(pub, sub, { channelPrefix: `${this.prefix}:socket.io`, subscriptionMode: 'dynamic' })
        : createAdapter(pub, sub, { key: `${this.prefix}:socket.io` }),
    );
    return server;
  }
}
