import { createClient } from 'redis';
import { startRedisServer, type RedisServer } from '../../../scripts/cluster-lib.mjs';
import { closeRedis } from './redis-close';

describe('closeRedis', () => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  const connect = async () => {
    const client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  it('closes gracefully when nothing is queued, letting sent commands finish', async () => {
    const client = await connect();
    const reply = client.set('close-check', '1');
    await closeRedis(client, 5000);
    await expect(reply).resolves.toBe('OK');
    expect(client.isOpen).toBe(false);
  });

  it('does not hang on a command queued during an outage: it fails the command', async () => {
    const client = await connect();
    await redis.stop();
    // Held in the offline queue: no reply will ever come for it once close() stops the reconnects.
    const queued = client.publish('channel', 'message');
    queued.catch(() => undefined);
    await closeRedis(client);
    await expect(queued).rejects.toThrow();
    expect(client.isOpen).toBe(false);
    await redis.start();
  });

  it('gives a connected client the grace period, then fails what still has no reply', async () => {
    const client = await connect();
    const blocked = client.blPop('close-check-empty-list', 0); // a reply that never comes
    blocked.catch(() => undefined);
    await closeRedis(client, 200);
    await expect(blocked).rejects.toThrow();
  });
});
