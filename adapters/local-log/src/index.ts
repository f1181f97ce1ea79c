export { ChunkWriter, decodeChunkRange, encodeFramed, FRAMED_FORMAT, READ_FORMAT } from './chunk-codec.js';
export {
  createLocalEventLog,
  type DurableBatch,
  type DurableTap,
  type LocalEventLog,
  type LocalEventLogOptions,
  type LocalEventLogStats,
} from './local-event-log.js';
export { localLogRangeDecoder } from './range-decoder-url.js';
