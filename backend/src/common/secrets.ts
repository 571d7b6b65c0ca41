import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** scrypt with a random salt, stored as `scrypt$<salt>$<hash>` (DESIGN 2). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 64);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(expected, actual);
}

/** A hash of a password nobody knows, so unknown and disabled accounts cost the same scrypt work as real ones. */
let dummyHash: Promise<string> | undefined;

/**
 * Checks `password` against `stored`, or against the dummy hash when there is no account: an unknown email,
 * a disabled account and a wrong password take the same time (timing must not reveal which emails exist).
 */
export async function verifyPasswordConstantCost(password: string, stored: string | null): Promise<boolean> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  const valid = await verifyPassword(password, stored ?? (await dummyHash));
  return stored !== null && valid;
}

export const AGENT_KEY_PREFIX = 'tdm_';
export const SESSION_TOKEN_PREFIX = 'tss_';
export const MFA_CHALLENGE_PREFIX = 'tmc_';

/** A fresh secret: the caller keeps it, the database keeps only `sha256Hex` of it. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** Secrets are 256-bit random, so a fast hash is enough (no dictionary to guard against). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
