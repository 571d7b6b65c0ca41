/**
 * The audit hash chain (DESIGN 6): one implementation for the backend (append, verify) and the offline CLI.
 * Uses node:crypto, so it is a separate entry point (`@tandem/shared/audit-chain`), not part of the browser index.
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import type { AuditCheckpoint, AuditCheckpointHead, AuditExportManifest, AuditExportFilter } from './audit.js';
import type { AuditEntry } from './entities.js';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth: the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

/** The fields an entry's hash covers: everything but the hash itself. */
export type HashedEntry = Omit<AuditEntry, 'hash'> & { data: unknown };

/** hash = sha256(prev_hash || canonical JSON of the entry without hash) (DESIGN 6). */
export function hashEntry(entry: HashedEntry): string {
  return createHash('sha256').update(entry.prevHash).update(canonicalJson(entry)).digest('hex');
}

/** The fields only known once the chain's lock is held: where the entry goes in the chain, and when. */
export type LinkFields = Pick<HashedEntry, 'seq' | 'prevHash' | 'at'>;

/**
 * `hashEntry` split in two, for appending: the canonical JSON of everything but `seq`, `prevHash` and `at` is built
 * once, before the chain's lock is taken; the returned function only splices those three in and hashes. It gives
 * exactly `hashEntry({...entry, ...link})`.
 */
export function prepareLink(entry: Omit<HashedEntry, keyof LinkFields>): (link: LinkFields) => string {
  const record = entry as Record<string, unknown>;
  const slots: ReadonlyArray<keyof LinkFields> = ['seq', 'prevHash', 'at'];
  const keys = [
    ...Object.keys(record).filter((key) => record[key] !== undefined && !slots.includes(key as never)),
    ...slots,
  ].sort();
  const texts: string[] = [];
  const fields: Array<keyof LinkFields> = [];
  let text = '{';
  keys.forEach((key, index) => {
    text += `${index ? ',' : ''}${JSON.stringify(key)}:`;
    if (slots.includes(key as keyof LinkFields)) {
      texts.push(text);
      fields.push(key as keyof LinkFields);
      text = '';
    } else text += canonicalJson(record[key]);
  });
  texts.push(`${text}}`);
  return (link) => {
    const hash = createHash('sha256').update(link.prevHash);
    fields.forEach((field, index) => hash.update(texts[index]).update(JSON.stringify(link[field])));
    return hash.update(texts[fields.length]).digest('hex');
  };
}

/** True when a filter selects a contiguous stretch of the chain (only seq bounds), so every link can be checked. */
export function isChainFilter(filter: AuditExportFilter): boolean {
  return Object.entries(filter).every(([key, value]) => value === undefined || key === 'fromSeq' || key === 'toSeq');
}

export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * Checks entries one at a time, in seq order, in constant memory: each entry's own hash, and the link to the
 * previous entry whenever the two are consecutive. `contiguous` also refuses gaps (a whole range was asked for).
 */
export class ChainVerifier {
  checked = 0;
  links = 0;
  first: AuditEntry | null = null;
  last: AuditEntry | null = null;
  /** The first seq that came after a gap (allowed unless `contiguous`). */
  firstGapSeq: number | null = null;

  constructor(private readonly options: { contiguous: boolean; firstPrevHash?: string | null }) {}

  add(entry: AuditEntry): ChainBreak | null {
    const { hash, ...hashed } = entry;
    const seq = entry.seq;
    if (hashEntry(hashed) !== hash) return { seq, reason: 'hash does not match the entry (its content was changed)' };
    const previous = this.last;
    if (!previous) {
      const expected = this.options.firstPrevHash;
      if (expected != null && entry.prevHash !== expected) {
        return { seq, reason: `prev_hash ${entry.prevHash} does not continue the chain (expected ${expected})` };
      }
    } else if (seq <= previous.seq) {
      return { seq, reason: `seq ${seq} follows seq ${previous.seq}: out of order` };
    } else if (seq === previous.seq + 1) {
      if (entry.prevHash !== previous.hash) {
        return { seq, reason: `prev_hash does not link to the hash of seq ${previous.seq}` };
      }
      this.links += 1;
    } else if (this.options.contiguous) {
      return { seq, reason: `entries ${previous.seq + 1}..${seq - 1} are missing` };
    } else {
      this.firstGapSeq ??= seq;
    }
    this.checked += 1;
    this.first ??= entry;
    this.last = entry;
    return null;
  }
}

/** Compares a manifest with what a verifier saw; answers the mismatches (empty when they agree). */
export function manifestMismatches(manifest: AuditExportManifest, seen: ChainVerifier): string[] {
  const actual = {
    count: seen.checked,
    firstSeq: seen.first?.seq ?? null,
    lastSeq: seen.last?.seq ?? null,
    firstPrevHash: seen.first?.prevHash ?? null,
    lastHash: seen.last?.hash ?? null,
  };
  return (Object.keys(actual) as Array<keyof typeof actual>)
    .filter((key) => manifest[key] !== actual[key])
    .map((key) => `manifest ${key} is ${String(manifest[key])} but the file has ${String(actual[key])}`);
}

/** The exact text a checkpoint's signature covers: `{"seq":…,"hash":"…","at":"…"}`, keys in that order. */
export function checkpointMessage(head: AuditCheckpointHead): string {
  return JSON.stringify({ seq: head.seq, hash: head.hash, at: head.at });
}

/** True when `signature` is a valid Ed25519 signature of the checkpoint by `publicKey` (SPKI PEM or key). */
export function checkpointSignatureValid(checkpoint: AuditCheckpoint, publicKey: string | KeyObject): boolean {
  try {
    return verify(
      null,
      Buffer.from(checkpointMessage(checkpoint)),
      publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
