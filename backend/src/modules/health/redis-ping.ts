import { createClient } from 'redis';

/**
 * A short-lived connection that answers PING: readiness asks whether this node can reach Redis right now,
 * independent of the long-lived clients (which retry quietly and would hide an outage).
 */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<void> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const answer = await Promise.race([
      client.ping(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('PING timed out')), timeoutMs).unref()),
    ]);
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${String(answer)}`);
  } finally {
    if (client.isOpen) client.destroy();
  }
}
