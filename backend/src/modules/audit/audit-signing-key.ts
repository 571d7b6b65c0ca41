import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AuditSigningKey {
  privateKey: KeyObject;
  /** SPKI, PEM: what `GET /api/audit/public-key` answers. */
  publicKeyPem: string;
  /** sha256 of the public key (DER): which key signed a stored checkpoint. */
  keyId: string;
}

export const SIGNING_KEY_FILE = 'audit-signing-key.pem';

function fromPem(pem: string, source: string): AuditSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${source} is not an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex'),
  };
}

/**
 * `AUDIT_SIGNING_KEY` (PKCS#8 PEM), or `<dataDir>/audit-signing-key.pem`, made on first start (mode 0600). Nodes
 * sharing a data folder may start together: the key is written to a private temporary file and linked into place,
 * so exactly one key wins and every node reads that one.
 */
export async function loadSigningKey(options: { pem?: string; dataDir: string }): Promise<AuditSigningKey> {
  if (options.pem) return fromPem(options.pem, 'AUDIT_SIGNING_KEY');
  const file = join(options.dataDir, SIGNING_KEY_FILE);
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing) return fromPem(existing, file);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const temporary = `${file}.${process.pid}.${Date.now()}`;
  await writeFile(temporary, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await unlink(temporary);
  }
  return fromPem(await readFile(file, 'utf8'), file);
}
