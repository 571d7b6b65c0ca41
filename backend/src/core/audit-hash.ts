/** The chain's hashing lives in `@tandem/shared/audit-chain`, shared with the offline CLI: one implementation. */
export { canonicalJson, GENESIS_HASH, hashEntry, type HashedEntry } from '@tandem/shared/audit-chain';
