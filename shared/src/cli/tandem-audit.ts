#!/usr/bin/env node
/**
 * `npx tandem-audit verify export.ndjson [--checkpoints file --public-key key.pem]`: checks an NDJSON audit export
 * offline (no server, no database): every entry's hash, the links between consecutive entries, the closing
 * manifest, and with checkpoints every signature and every checkpoint the export covers. Exits 1 where it breaks.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditCheckpoint, AuditExportManifest } from '../audit.js';
import { ChainVerifier, isChainFilter, manifestMismatches } from '../audit-chain.js';
import type { AuditEntry } from '../entities.js';
import { Broken, checkCheckpoints, readCheckpoints, readPublicKey } from './checkpoints.js';

async function verifyExportFile(path: string, checkpoints: AuditCheckpoint[] | null): Promise<string> {
  const signedSeqs = new Set(checkpoints?.map((checkpoint) => checkpoint.seq));
  const signedHashes = new Map<number, string>();
  const verifier = new ChainVerifier({ contiguous: false });
  let manifest: AuditExportManifest | null = null;
  let lineNumber = 0;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    if (manifest) throw new Broken(`line ${lineNumber}: content after the manifest`);
    let parsed: { manifest?: AuditExportManifest } & Partial<AuditEntry>;
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      throw new Broken(`line ${lineNumber}: not valid JSON`);
    }
    if (parsed.manifest) {
      manifest = parsed.manifest;
      continue;
    }
    const failure = verifier.add(parsed as AuditEntry);
    if (failure) throw new Broken(`line ${lineNumber}, seq ${failure.seq}: ${failure.reason}`);
    if (signedSeqs.has(Number(parsed.seq))) signedHashes.set(Number(parsed.seq), String(parsed.hash));
  }
  if (!manifest) throw new Broken(`no manifest line at the end (the export is truncated?)`);
  const mismatches = manifestMismatches(manifest, verifier);
  if (mismatches.length) throw new Broken(mismatches.join('; '));
  const unfiltered = isChainFilter(manifest.filter);
  if (unfiltered && verifier.firstGapSeq !== null) {
    throw new Broken(`seq ${verifier.firstGapSeq}: entries are missing before it in an unfiltered export`);
  }
  const covered = checkpoints ? checkCheckpoints(checkpoints, manifest, signedHashes) : null;
  const range = verifier.first ? `seq ${verifier.first.seq}..${verifier.last?.seq}` : 'no entries';
  return (
    `OK: ${verifier.checked} entries (${range}), every hash recomputed, ${verifier.links} links checked` +
    `${unfiltered ? ' (unbroken chain)' : ' (filtered export)'}; the manifest matches` +
    (checkpoints ? `; ${checkpoints.length} checkpoint signatures valid, ${covered} in the export match` : '')
  );
}

/** `--name value` options after the positional arguments. */
function option(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, file] = argv;
  const checkpointsFile = option(argv, 'checkpoints');
  const publicKeyFile = option(argv, 'public-key');
  if (command !== 'verify' || !file || file.startsWith('--') || !checkpointsFile !== !publicKeyFile) {
    console.error('usage: tandem-audit verify <export.ndjson> [--checkpoints <file> --public-key <key.pem>]');
    return 2;
  }
  try {
    const checkpoints =
      checkpointsFile && publicKeyFile
        ? await readCheckpoints(checkpointsFile, await readPublicKey(publicKeyFile))
        : null;
    console.log(await verifyExportFile(file, checkpoints));
    return 0;
  } catch (error) {
    if (error instanceof Broken) {
      console.error(`BROKEN: ${file}: ${error.message}`);
      return 1;
    }
    console.error(`tandem-audit: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
