import type { EphemeralEvent, Viewer } from '@tandem/shared';
import { MemoryPresenceStore } from './presence-store';
import { PRESENCE_PUSH_DELAY_MS, PresenceService } from './presence.service';

/** The single-node store, counting how often a board's whole viewer list is read. */
class CountingStore extends MemoryPresenceStore {
  reads = 0;
  override members(key: string): Promise<string[]> {
    this.reads += 1;
    return super.members(key);
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, PRESENCE_PUSH_DELAY_MS * 3));

describe('PresenceService', () => {
  it('pushes a wave of joins once, naming every viewer, and shows each newcomer a list read after its join', async () => {
    const store = new CountingStore();
    const presence = new PresenceService(store, 'test', 'node-a');
    const pushed: EphemeralEvent[] = [];
    presence.publish = (event) => pushed.push(event);
    const viewers: Viewer[] = Array.from({ length: 1000 }, (_, i) => ({
      type: 'human',
      id: `user-${String(i).padStart(4, '0')}`,
      name: `User ${String(i).padStart(4, '0')}`,
    }));

    // What the gateway does per subscriber: join, then send the newcomer the board's presence.
    const seen = await Promise.all(
      viewers.map((viewer, i) =>
        presence.joinBoard(`socket-${i}`, viewer, 'board-1').then(() => presence.boardPresence('board-1')),
      ),
    );
    await settle();

    seen.forEach((answer, i) => expect(answer.viewers).toContainEqual(viewers[i]));
    // One read per newcomer and one for the push: not one more per join for every subscriber's push.
    expect(store.reads).toBe(viewers.length + 1);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatchObject({ channel: 'workflow:board-1', type: 'presence.changed' });
    expect((pushed[0].data as { viewers: Viewer[] }).viewers).toEqual(viewers);

    // Leaving is coalesced the same way, and the last push says the board is empty.
    await Promise.all(viewers.map((_, i) => presence.leaveBoard(`socket-${i}`, 'board-1')));
    await settle();
    expect(pushed).toHaveLength(2);
    expect(pushed[1].data).toEqual({ workflowId: 'board-1', viewers: [] });
    await presence.stop();
  });

  it('pushes a change at once on stop, so the other nodes hear of the leaving viewers', async () => {
    const presence = new PresenceService(new MemoryPresenceStore(), 'test', 'node-a');
    const pushed: EphemeralEvent[] = [];
    presence.publish = (event) => pushed.push(event);
    await presence.joinBoard('socket-1', { type: 'human', id: 'u1', name: 'Una' }, 'board-1');
    await presence.stop();
    expect(pushed.map((event) => event.data)).toEqual([{ workflowId: 'board-1', viewers: [] }]);
  });
});
