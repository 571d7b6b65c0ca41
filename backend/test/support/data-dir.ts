import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Each test file gets its own data folder (audit signing key, checkpoint file): apps of one file share a key, and a
 * file's checkpoint file holds only that file's checkpoints. A test may still set TANDEM_DATA_DIR itself.
 */
process.env.TANDEM_DATA_DIR = mkdtempSync(join(process.env.TANDEM_TEST_DATA_ROOT ?? tmpdir(), 'file-'));
