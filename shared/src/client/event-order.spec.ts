import { inOrder } from './event-order';

const event = (seq: number, prev: number) => ({ seq, prev });
const seqs = (events: Array<{ seq: number }>) => events.map((e) => e.seq);

describe('inOrder (the client gap repair)', () => {
  it('applies the next event of the channel', () => {
    expect(inOrder(10, [event(12, 10)])).toEqual({ ready: [event(12, 10)], gap: false });
  });

  it('drops duplicates: the same event again, or one already applied', () => {
    expect(inOrder(12, [event(12, 10), event(9, 4)])).toEqual({ ready: [], gap: false });
  });

  it('reports a gap when the event before this one was never applied', () => {
    expect(inOrder(10, [event(15, 12)])).toEqual({ ready: [], gap: true });
  });

  it('sorts events held during a subscribe, applies up to the gap, and holds back the rest', () => {
    const { ready, gap } = inOrder(3, [event(9, 8), event(5, 3), event(3, 1), event(7, 5), event(8, 7)]);
    expect(seqs(ready)).toEqual([5, 7, 8, 9]);
    expect(gap).toBe(false);
    const broken = inOrder(3, [event(9, 8), event(5, 3), event(8, 6)]);
    expect(seqs(broken.ready)).toEqual([5]);
    expect(broken.gap).toBe(true);
  });

  it('starts from nothing: the first event of a channel (prev 0) applies, a later one is a gap', () => {
    expect(inOrder(null, [event(1, 0)]).ready).toHaveLength(1);
    expect(inOrder(null, [event(6, 5)])).toEqual({ ready: [], gap: true });
  });
});
