import { fitsSlot, rankIn } from './task-placement';

describe('ranks', () => {
  it('puts a rank strictly between its neighbours, or past an open end', () => {
    const first = rankIn({ lower: null, upper: null });
    const below = rankIn({ lower: first, upper: null });
    const above = rankIn({ lower: null, upper: first });
    const between = rankIn({ lower: first, upper: below });
    expect([above, first, between, below]).toEqual([above, first, between, below].sort());
    expect(new Set([above, first, between, below]).size).toBe(4);
  });

  it('keeps inserting into the same gap without renumbering anyone (200 times on top of each other)', () => {
    const lower = rankIn({ lower: null, upper: null });
    const upper = rankIn({ lower, upper: null });
    let gapTop = upper;
    const ranks = [lower, upper];
    for (let i = 0; i < 200; i += 1) {
      gapTop = rankIn({ lower, upper: gapTop });
      ranks.push(gapTop);
    }
    expect(new Set(ranks).size).toBe(ranks.length);
    expect(ranks.every((rank) => rank === lower || rank > lower)).toBe(true);
    expect(ranks.every((rank) => rank === upper || rank < upper)).toBe(true);
  });

  it('tells whether a rank already sits in a slot (a move onto its own place)', () => {
    expect(fitsSlot('a1', { lower: 'a0', upper: 'a2' })).toBe(true);
    expect(fitsSlot('a1', { lower: null, upper: null })).toBe(true);
    expect(fitsSlot('a1', { lower: 'a1', upper: null })).toBe(false);
    expect(fitsSlot('a3', { lower: 'a0', upper: 'a2' })).toBe(false);
    expect(fitsSlot('a0', { lower: null, upper: 'a0' })).toBe(false);
  });
});
