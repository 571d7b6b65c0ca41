/** How the realtime module is configured; given by `AppModule.forRoot`. */
export interface RealtimeOptions {
  /** Without it: one node with Socket.IO's in-memory adapter and in-memory presence. */
  redisUrl?: string;
  /** Prefix of the adapter's pub/sub channels and of presence keys. */
  redisPrefix: string;
  /** Unique per running app (several test nodes share one process). */
  nodeId: string;
}

export const REALTIME_OPTIONS = Symbol('REALTIME_OPTIONS');
