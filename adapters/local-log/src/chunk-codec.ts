import { crc32 } from 'node:zlib';
import type { DeliveryEvent } from '@adplatform/ports';
import { decodeBinary, encodeBinary } from './binary-codec.js';
import { DictionaryEncoder, decodeDictionary, encodeDictionary } from './dictionary-codec.js';

/**
 * One chunk: a run of consecutive events, framed so a reader can skip it
 * without decoding it and a torn or corrupt one is recognised.
 *
 *   0  u32 LE  payload bytes
 *   4  u32 LE  CRC-32 of bytes 8 … end (the rest of the header and the payload)
 *   8  u64 LE  offset of the first event (below 2^53)
 *  16  u32 LE  event count (≥ 1)
 *  20  u8      codec (1: the events as one JSON array, UTF-8; 2: binary-codec.ts; 3: dictionary-codec.ts)
 *  21  3 bytes "ADL"
 *  24  payload
 *
 * New chunks are written in codec 3 (codec 2 with a per-chunk dictionary of
 * repeated strings and binary flat `data`: about a fifth of the JSON size,
 * and the cheapest to encode and decode); codecs 1 and 2 stay readable.
 */
export const HEADER_BYTES = 24;
export const CODEC_JSON = 1;
export const CODEC_BINARY = 2;
export const CODEC_DICTIONARY = 3;
/** No chunk is larger; a length above it is garbage, not a chunk. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;
const MAGIC = [0x41, 0x44, 0x4c]; // "ADL"

export interface ChunkHeader {
  payloadBytes: number;
  crc: number;
  baseOffset: number;
  count: number;
  codec: number;
}

/** The header and payload of a chunk, as two buffers to write in one `writev`. */
export function encodeChunk(events: readonly DeliveryEvent[], baseOffset: number, codec = CODEC_DICTIONARY): [Buffer, Buffer] {
  const payload =
    codec === CODEC_JSON
      ? Buffer.from(JSON.stringify(events), 'utf8')
      : codec === CODEC_BINARY
        ? encodeBinary(events)
        : encodeDictionary(events);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(payload.byteLength, 0);
  header.writeUInt32LE(baseOffset % 2 ** 32, 8);
  header.writeUInt32LE(Math.floor(baseOffset / 2 ** 32), 12);
  header.writeUInt32LE(events.length, 16);
  header[20] = codec;
  header.set(MAGIC, 21);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(8))), 4);
  return [header, payload];
}

/**
 * Frames codec-3 chunks one after another into one buffer that is reused from
 * write to write (the log has one: a group commit is encoded into it, written,
 * fsync'd, and only then is the next one encoded), so no buffer is allocated
 * per chunk or per commit. The bytes are those of `encodeChunk`.
 */
export class ChunkWriter {
  private readonly encoder = new DictionaryEncoder(1024 * 1024);

  /** Bytes framed since the last `reset`. */
  get byteLength(): number {
    return this.encoder.at;
  }

  /** The framed bytes, valid until the next `add` or `reset`. */
  bytes(): Buffer {
    return this.encoder.buffer.subarray(0, this.encoder.at);
  }

  /** Starts a new write; a buffer grown past 16 MiB by a huge commit is given back. */
  reset(): void {
    if (this.encoder.buffer.byteLength > 16 * 1024 * 1024) this.encoder.replace(Buffer.allocUnsafe(1024 * 1024));
    this.encoder.at = 0;
  }

  /** Drops what was framed after `byteLength` (an append whose events could not be encoded). */
  truncate(byteLength: number): void {
    this.encoder.at = Math.min(byteLength, this.encoder.at);
  }

  /**
   * Copies chunks framed elsewhere (`encodeFramed`, offsets from 0) and gives
   * them their place in the log: each header's offset is rewritten from
   * `baseOffset` on and its CRC computed again. Answers each chunk's first
   * offset and byte position in this writer. The framing was checked by
   * `framedChunks` when the append was taken.
   */
  addFramed(framed: Uint8Array, chunks: readonly FramedChunk[], baseOffset: number): ChunkStart[] {
    const encoder = this.encoder;
    encoder.ensure(framed.byteLength);
    const start = encoder.at;
    const out = encoder.buffer;
    out.set(framed, start);
    encoder.at += framed.byteLength;
    const starts: ChunkStart[] = [];
    let offset = baseOffset;
    for (const chunk of chunks) {
      const at = start + chunk.bytes;
      out.writeUInt32LE(offset % 2 ** 32, at + 8);
      out.writeUInt32LE(Math.floor(offset / 2 ** 32), at + 12);
      out.writeUInt32LE(crc32(out.subarray(at + 8, at + chunk.length)), at + 4);
      starts.push({ offset, bytes: at });
      offset += chunk.count;
    }
    return starts;
  }

  /** Frames one chunk of `events` whose first offset is `baseOffset`. */
  add(events: readonly DeliveryEvent[], baseOffset: number): void {
    const encoder = this.encoder;
    encoder.ensure(HEADER_BYTES);
    const start = encoder.at;
    encoder.at += HEADER_BYTES;
    const payloadBytes = encoder.encode(events);
    const out = encoder.buffer; // after encoding: it may have grown
    out.writeUInt32LE(payloadBytes, start);
    out.writeUInt32LE(baseOffset % 2 ** 32, start + 8);
    out.writeUInt32LE(Math.floor(baseOffset / 2 ** 32), start + 12);
    out.writeUInt32LE(events.length, start + 16);
    out[start + 20] = CODEC_DICTIONARY;
    out.set(MAGIC, start + 21);
    out.writeUInt32LE(crc32(out.subarray(start + 8, encoder.at)), start + 4);
  }
}

/** Where a chunk starts: its first offset and its byte position in the writer's buffer. */
export interface ChunkStart {
  offset: number;
  bytes: number;
}

/** One chunk of framed bytes: where it starts, its length with the header, its events. */
export interface FramedChunk {
  bytes: number;
  length: number;
  count: number;
}

/** The format name of `encodeFramed`'s bytes (`EncodedEvents.format`): codec-3 chunks as this log writes them. */
export const FRAMED_FORMAT = 'local-log/codec-3-chunks';
/** At most this many events per chunk, so a read near one event never decodes a huge chunk. */
export const CHUNK_EVENTS = 1024;

/**
 * `events` framed as the log would write them, chunks of up to CHUNK_EVENTS
 * numbered from offset 0 (the log renumbers them: `addFramed`), in a new
 * buffer of their own that can be moved to another thread. `writer` is
 * reused call after call by its owner (a parsing worker keeps one).
 */
export function encodeFramed(events: readonly DeliveryEvent[], writer: ChunkWriter): Uint8Array {
  writer.reset();
  for (let at = 0; at < events.length; at += CHUNK_EVENTS) {
    writer.add(events.length <= CHUNK_EVENTS ? events : events.slice(at, at + CHUNK_EVENTS), at);
  }
  return new Uint8Array(writer.bytes());
}

/**
 * The chunks of framed bytes, checked whole: every header well formed and of
 * codec 3, the lengths adding up to the bytes exactly and the counts to
 * `count`. Throws a RangeError otherwise, before anything is written.
 */
export function framedChunks(framed: Uint8Array, count: number): FramedChunk[] {
  const bytes = Buffer.from(framed.buffer, framed.byteOffset, framed.byteLength);
  const chunks: FramedChunk[] = [];
  let at = 0;
  let events = 0;
  while (at < bytes.byteLength) {
    const header = parseHeader(bytes, at);
    const length = header ? HEADER_BYTES + header.payloadBytes : 0;
    if (!header || header.codec !== CODEC_DICTIONARY || at + length > bytes.byteLength) {
      throw new RangeError(`encoded events: no codec-3 chunk at byte ${at}`);
    }
    chunks.push({ bytes: at, length, count: header.count });
    events += header.count;
    at += length;
  }
  if (events !== count || count === 0) throw new RangeError(`encoded events: the chunks hold ${events} events, not ${count}`);
  return chunks;
}

/** The format name of `readEncoded`'s bytes (`EncodedRange.format`): whole chunks as stored, of any codec, with their offsets. */
export const READ_FORMAT = 'local-log/chunks';

/**
 * The events of `bytes` (whole chunks as `readEncoded` answers them) whose
 * offsets lie in [`first`, `next`), in order. Throws a RangeError on bytes
 * that are not such chunks, or fail their CRC.
 */
export function decodeChunkRange(bytes: Uint8Array, first: number, next: number): DeliveryEvent[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: DeliveryEvent[] = [];
  let at = 0;
  while (at < buffer.byteLength) {
    const header = parseHeader(buffer, at);
    if (!header || at + HEADER_BYTES + header.payloadBytes > buffer.byteLength) {
      throw new RangeError(`encoded event log range: no whole chunk at byte ${at}`);
    }
    const chunk = buffer.subarray(at, at + HEADER_BYTES + header.payloadBytes);
    if (!hasIntactCrc(chunk, header))
      throw new RangeError(`encoded event log range: the chunk at offset ${header.baseOffset} fails its CRC`);
    const start = Math.max(first, header.baseOffset) - header.baseOffset;
    const stop = Math.min(next, header.baseOffset + header.count) - header.baseOffset;
    if (stop > start) {
      const decoded = decodePayload(chunk, header);
      for (let i = start; i < stop; i++) events.push(decoded[i] as DeliveryEvent);
    }
    at += chunk.byteLength;
  }
  return events;
}

/** The header at `at`, or undefined when the bytes there cannot be one (garbage, zeros, a torn write). */
export function parseHeader(bytes: Buffer, at = 0): ChunkHeader | undefined {
  if (bytes.byteLength - at < HEADER_BYTES) return undefined;
  if (bytes[at + 21] !== MAGIC[0] || bytes[at + 22] !== MAGIC[1] || bytes[at + 23] !== MAGIC[2]) return undefined;
  const payloadBytes = bytes.readUInt32LE(at);
  const count = bytes.readUInt32LE(at + 16);
  const codec = bytes[at + 20] ?? 0;
  const high = bytes.readUInt32LE(at + 12);
  if (
    payloadBytes > MAX_PAYLOAD_BYTES ||
    count < 1 ||
    (codec !== CODEC_JSON && codec !== CODEC_BINARY && codec !== CODEC_DICTIONARY) ||
    high >= 2 ** 21
  )
    return undefined;
  return { payloadBytes, crc: bytes.readUInt32LE(at + 4), baseOffset: high * 2 ** 32 + bytes.readUInt32LE(at + 8), count, codec };
}

/** Whether `chunk` (header and payload, exactly) matches the CRC in its header. */
export function hasIntactCrc(chunk: Buffer, header: ChunkHeader): boolean {
  return crc32(chunk.subarray(8, HEADER_BYTES + header.payloadBytes)) === header.crc;
}

/** The events of a chunk whose CRC was checked; throws if the payload does not hold `count` events. */
export function decodePayload(chunk: Buffer, header: ChunkHeader): DeliveryEvent[] {
  const payload = () => chunk.subarray(HEADER_BYTES, HEADER_BYTES + header.payloadBytes);
  if (header.codec === CODEC_DICTIONARY) return decodeDictionary(payload(), header.count);
  if (header.codec === CODEC_BINARY) return decodeBinary(chunk.subarray(HEADER_BYTES, HEADER_BYTES + header.payloadBytes), header.count);
  const events: unknown = JSON.parse(chunk.toString('utf8', HEADER_BYTES, HEADER_BYTES + header.payloadBytes));
  if (!Array.isArray(events) || events.length !== header.count) {
    throw new Error(
      `event log chunk at offset ${header.baseOffset} holds ${Array.isArray(events) ? events.length : 0} events, not ${header.count}`,
    );
  }
  return events as DeliveryEvent[];
}
