import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in the data folder that keeps the first admin's generated credentials (owner-only, mode 0600). */
export const CREDENTIALS_FILE = 'admin-credentials.txt';

export function saveCredentials(dataDir: string, email: string, password: string): string {
  const path = join(dataDir, CREDENTIALS_FILE);
  writeFileSync(path, `email=${email}\npassword=${password}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its old mode on write: make sure
  return path;
}

/** The saved credentials, if the file is there (a restart of the embedded demo signs in with them). */
export function readCredentials(dataDir: string): { email: string; password: string } | null {
  const path = join(dataDir, CREDENTIALS_FILE);
  if (!existsSync(path)) return null;
  const fields = Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string | undefined>;
  return fields.email && fields.password ? { email: fields.email, password: fields.password } : null;
}

/** Lines in a box, the last thing start-up prints (request lines are at debug level, so nothing scrolls it away). */
export function box(lines: string[]): string {
  const width = Math.max(...lines.map((line) => line.length));
  const edge = '─'.repeat(width + 2);
  return [`╭${edge}╮`, ...lines.map((line) => `│ ${line.padEnd(width)} │`), `╰${edge}╯`].join('\n');
}
