import type { EncodedRangeDecoder } from '@adplatform/ports';
import { READ_FORMAT } from './chunk-codec.js';

/**
 * The decoder of `readEncoded`'s ranges for a reader in another thread: the
 * module beside this file when run from sources, or the one built beside the
 * bundle (tooling/build.mjs builds `local-log-range-decoder.mjs`).
 */
export function localLogRangeDecoder(): EncodedRangeDecoder {
  const module = import.meta.url.endsWith('.ts')
    ? new URL('./range-decoder.ts', import.meta.url)
    : new URL('./local-log-range-decoder.mjs', import.meta.url);
  return { format: READ_FORMAT, module: module.href };
}
