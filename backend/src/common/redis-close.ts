/** What `closeRedis` needs of a node-redis client or cluster (a cluster has no `isReady`). */
interface Closable {
  readonly isReady?: boolean;
  close(): Promise<unknown>;
  destroy(): unknown;
}

/**
 * Closes a Redis connection without hanging. node-redis's `close()` stops reconnecting and then waits for a reply
 * to every queued command: one queued while Redis was away (an adapter publish, a re-subscribe) never gets one,
 * and the close would wait forever. So a client that is not connected is destroyed (failing what it queued), and
 * a connected one gets `graceMs` to finish its commands.
 */
export async function closeRedis(client: Closable, graceMs = 1000): Promise<void> {
  if (client.isReady === false) {
    client.destroy();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const closed = client.close().then(
    () => 'closed' as const,
    () => 'closed' as const,
  );
  const outcome = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  if (outcome === 'closed') return;
  try {
    client.destroy(); // fails what is still queued; throws "client is closed" after flushing, as close() began
  } catch {
    // already closing: nothing left to do
  }
}
