#!/usr/bin/env node
/**
 * `npx tandem-audit verify export.ndjson`: checks an NDJSON audit export offline (no server, no database):
 * every entry's hash, the links between consecutive entries, and the closing manifest. Exits 1 where it breaks.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditExportManifest } from '../audit.js';
import { ChainVerifier, isChainFilter, manifestMismatches } from '../audit-chain.js';
import type { AuditEntry } from '../entities.js';

class Broken extends Error {}

async function verifyExportFile(path: string): Promise<string> {
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
  }
  if (!manifest) throw new Broken(`no manifest line at the end (the export is truncated?)`);
  const mismatches = manifestMismatches(manifest, verifier);
  if (mismatches.length) throw new Broken(mismatches.join('; '));
  const unfiltered = isChainFilter(manifest.filter);
  if (unfiltered && verifier.firstGapSeq !== null) {
    throw new Broken(`seq ${verifier.firstGapSeq}: entries are missing before it in an unfiltered export`);
  }
  const range = verifier.first ? `seq ${verifier.first.seq}..${verifier.last?.seq}` : 'no entries';
  return (
    `OK: ${verifier.checked} entries (${range}), every hash recomputed, ${verifier.links} links checked` +
    `${unfiltered ? ' (unbroken chain)' : ' (filtered export)'}; the manifest matches`
  );
}

async function main(argv: string[]): Promise<number> {
  const [command, file] = argv;
  if (command !== 'verify' || !file) {
    console.error('usage: tandem-audit verify <export.ndjson>');
    return 2;
  }
  try {
    console.log(await verifyExportFile(file));
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
