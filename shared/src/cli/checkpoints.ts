/**
 * The offline half of signed checkpoints: reads a checkpoint file (one `{seq, hash, at, signature}` per line),
 * checks every signature, and then checks an export against the checkpoints it covers.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { AuditCheckpoint, AuditExportManifest } from '../audit.js';
import { checkpointSignatureValid, isChainFilter } from '../audit-chain.js';

export class Broken extends Error {}

export async function readPublicKey(path: string): Promise<KeyObject> {
  const text = await readFile(path, 'utf8');
  // The file may be the PEM itself or the JSON answer of GET /api/audit/public-key.
  const pem = text.trim().startsWith('{') ? (JSON.parse(text) as { publicKey: string }).publicKey : text;
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 public key`);
  return key;
}

/** Every checkpoint of the file, each signature checked; throws Broken at the first bad line. */
export async function readCheckpoints(path: string, publicKey: KeyObject): Promise<AuditCheckpoint[]> {
  const checkpoints: AuditCheckpoint[] = [];
  let lineNumber = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let checkpoint: AuditCheckpoint;
    try {
      checkpoint = JSON.parse(line) as AuditCheckpoint;
    } catch {
      throw new Broken(`checkpoints line ${lineNumber}: not valid JSON`);
    }
    if (!checkpointSignatureValid(checkpoint, publicKey)) {
      throw new Broken(`checkpoints line ${lineNumber} (seq ${checkpoint.seq}): the signature does not verify`);
    }
    checkpoints.push(checkpoint);
  }
  return checkpoints;
}

/**
 * The export covers a checkpoint when it is an unbroken stretch of the chain (seq bounds only) that starts at or
 * before the checkpoint's seq and ends at or after it: its `toSeq`, or, without one, everything up to the moment
 * of the export, so a checkpoint signed before `exportedAt` must be in it. A covered checkpoint's entry must be in
 * the export with the signed hash (`entries` holds the hashes the export has at the checkpoints' seqs).
 */
export function checkCheckpoints(
  checkpoints: AuditCheckpoint[],
  manifest: AuditExportManifest,
  entries: Map<number, string>,
): number {
  let covered = 0;
  const chain = isChainFilter(manifest.filter);
  const from = Number(manifest.filter.fromSeq ?? manifest.firstSeq ?? Infinity);
  for (const checkpoint of checkpoints) {
    const hash = entries.get(checkpoint.seq);
    if (hash !== undefined) {
      if (hash !== checkpoint.hash) {
        throw new Broken(
          `mismatch: seq ${checkpoint.seq} has hash ${hash}, the signed checkpoint says ${checkpoint.hash}`,
        );
      }
      covered += 1;
      continue;
    }
    const toSeq = manifest.filter.toSeq;
    const reaches =
      toSeq !== undefined
        ? checkpoint.seq <= Number(toSeq)
        : Date.parse(checkpoint.at) <= Date.parse(manifest.exportedAt);
    if (chain && checkpoint.seq >= from && reaches) {
      throw new Broken(
        `truncated: seq ${checkpoint.seq} (signed at ${checkpoint.at}) is missing from the export ` +
          `(it ends at seq ${manifest.lastSeq ?? 'none'})`,
      );
    }
  }
  return covered;
}
