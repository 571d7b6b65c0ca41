import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Task } from '@tandem/shared';
import { currentRound, roundTitles } from '../src/demo/demo-agents';
import { box, readCredentials, saveCredentials } from '../src/startup-banner';

describe('start-up output and the demo rounds', () => {
  it('saves the generated admin credentials readable by the owner only, and reads them back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cred-'));
    const path = saveCredentials(dir, 'admin@tandem.local', 'S3cret-generated');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readCredentials(dir)).toEqual({ email: 'admin@tandem.local', password: 'S3cret-generated' });
    expect(readCredentials(join(dir, 'missing'))).toBeNull();
  });

  it('prints the URL and credentials in a box of even lines', () => {
    const printed = box(['Tandem is running at http://localhost:3000', 'Admin: a@b / pw']).split('\n');
    expect(printed).toHaveLength(4);
    expect(new Set(printed.map((line) => line.length)).size).toBe(1);
    expect(printed[1]).toContain('http://localhost:3000');
  });

  it('starts a new round once every task of the current one is completed', () => {
    const task = (title: string, status: Task['status']) => ({ title, status }) as Task;
    expect(currentRound([])).toBe(1);
    const firstDone = roundTitles(1).map((title) => task(title, 'completed'));
    expect(currentRound(firstDone.slice(1))).toBe(1);
    expect(currentRound(firstDone)).toBe(2);
    expect(roundTitles(2)[0]).toMatch(/\(round 2\)$/);
    expect(new Set([...roundTitles(1), ...roundTitles(2)]).size).toBe(roundTitles(1).length * 2);
  });
});
