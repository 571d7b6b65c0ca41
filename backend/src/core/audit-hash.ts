/** The chain's hashing lives in `@tandem/shared/audit-chain`, shared with the offline CLI: one implementation. */
export {
  canonicalJson,
  GENESIS_HASH,
  hashEntry,
  prepareLink,
  type HashedEntry,
  type LinkFields,
} from '@tandem/shared/audit-chain';
