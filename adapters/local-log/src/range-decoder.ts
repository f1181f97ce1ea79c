/**
 * The local log's ranges decoded in another thread (ADR 0025): an
 * `EncodedRangeDecoderModule` that a reader loads by the URL
 * `localLogRangeDecoder()` names (the DuckDB analytics worker).
 */
import type { DeliveryEvent, EncodedRange } from '@adplatform/ports';
import { decodeChunkRange, READ_FORMAT } from './chunk-codec.js';

export function decodeRange(range: EncodedRange): DeliveryEvent[] {
  if (range.format !== READ_FORMAT) throw new RangeError(`encoded events: format ${range.format}, not ${READ_FORMAT}`);
  return decodeChunkRange(range.bytes, range.first, range.next);
}
