import type { FileHandle } from 'node:fs/promises';
import { type ChunkHeader, HEADER_BYTES, hasIntactCrc, parseHeader } from './chunk-codec.js';

/** `00000000000000012345.log`: a segment is named by the offset of its first event, zero-padded so names sort by offset. */
export const segmentName = (baseOffset: number) => `${String(baseOffset).padStart(20, '0')}.log`;
export const SEGMENT_NAME = /^(\d{20})\.log$/;

/** A sparse index: the file position of a chunk start every INDEX_INTERVAL_BYTES or so, by offset. */
export interface SparseIndex {
  offsets: number[];
  positions: number[];
}
export const INDEX_INTERVAL_BYTES = 64 * 1024;

/** Records a chunk start if the last entry is far enough behind. */
export function indexChunk(index: SparseIndex, offset: number, position: number): void {
  const last = index.positions.at(-1);
  if (last === undefined || position - last >= INDEX_INTERVAL_BYTES) {
    index.offsets.push(offset);
    index.positions.push(position);
  }
}

/** The position of the last indexed chunk starting at or before `offset` (0 if none). */
export function positionBefore(index: SparseIndex, offset: number): number {
  let low = 0;
  let high = index.offsets.length - 1;
  let found = 0;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((index.offsets[mid] ?? 0) <= offset) {
      found = index.positions[mid] ?? 0;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/**
 * Reads a file through one block at a time, so walking many small chunks costs
 * few system calls. A block is at most what is left before `sizeBytes`: a
 * reader of the log's tail (a consumer polling for the last few events) reads
 * and allocates only those bytes, not a whole block.
 */
export class BlockReader {
  private block = Buffer.alloc(0);
  private blockAt = 0;
  constructor(
    private readonly file: FileHandle,
    private readonly sizeBytes: number,
    private readonly blockBytes = 1024 * 1024,
  ) {}

  /** `length` bytes at `position`, fewer at the end of the file. The buffer stays valid after later calls. */
  async bytes(position: number, length: number): Promise<Buffer> {
    const inBlock = position - this.blockAt;
    if (inBlock >= 0 && inBlock + length <= this.block.byteLength) return this.block.subarray(inBlock, inBlock + length);
    const size = Math.max(length, Math.min(this.blockBytes, this.sizeBytes - position));
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await this.file.read(buffer, 0, size, position);
    this.block = buffer.subarray(0, bytesRead);
    this.blockAt = position;
    return this.block.subarray(0, Math.min(length, bytesRead));
  }
}

export interface ScannedSegment {
  /** Bytes up to the end of the last intact chunk: what follows is a torn or corrupt tail. */
  validBytes: number;
  /** The offset after the last intact event. */
  endOffset: number;
  index: SparseIndex;
}

/**
 * Walks a segment chunk by chunk, checking each CRC and that offsets follow
 * on, and stops at the first chunk that is torn (shorter than its header
 * says), corrupt (bad CRC, garbage header) or out of sequence.
 */
export async function scanSegment(file: FileHandle, baseOffset: number, sizeBytes: number): Promise<ScannedSegment> {
  const reader = new BlockReader(file, sizeBytes);
  const index: SparseIndex = { offsets: [], positions: [] };
  let position = 0;
  let next = baseOffset;
  while (position + HEADER_BYTES <= sizeBytes) {
    const header = parseHeader(await reader.bytes(position, HEADER_BYTES));
    if (!header || header.baseOffset !== next || position + HEADER_BYTES + header.payloadBytes > sizeBytes) break;
    const chunk = await reader.bytes(position, HEADER_BYTES + header.payloadBytes);
    if (chunk.byteLength < HEADER_BYTES + header.payloadBytes || !hasIntactCrc(chunk, header)) break;
    indexChunk(index, next, position);
    position += HEADER_BYTES + header.payloadBytes;
    next += header.count;
  }
  return { validBytes: position, endOffset: next, index };
}

/**
 * Walks the chunks of `file` from `position` (a chunk start at or before
 * `from`) up to `sizeBytes`, hands `take` each chunk that holds events of
 * [`from`, `to`) with the indexes of those events in it, and answers the
 * offset reached. `take` gets the chunk's bytes (header and payload, CRC
 * checked) in a buffer that stays valid. Throws on a chunk that fails its
 * CRC: bytes already scanned have changed on disk.
 */
export async function walkChunks(
  file: FileHandle,
  range: { position: number; from: number; to: number; sizeBytes: number },
  take: (chunk: Buffer, header: ChunkHeader, start: number, stop: number) => void,
): Promise<number> {
  const reader = new BlockReader(file, range.sizeBytes);
  const { from, to, sizeBytes } = range;
  let position = range.position;
  let reached = from;
  while (reached < to && position + HEADER_BYTES <= sizeBytes) {
    const header: ChunkHeader | undefined = parseHeader(await reader.bytes(position, HEADER_BYTES));
    if (!header) throw new Error(`event log segment is corrupt at byte ${position}`);
    const chunkEnd = header.baseOffset + header.count;
    if (chunkEnd > from) {
      const chunk = await reader.bytes(position, HEADER_BYTES + header.payloadBytes);
      if (!hasIntactCrc(chunk, header)) throw new Error(`event log chunk at offset ${header.baseOffset} fails its CRC`);
      take(chunk, header, Math.max(from, header.baseOffset) - header.baseOffset, Math.min(to, chunkEnd) - header.baseOffset);
      reached = Math.min(to, chunkEnd);
    }
    position += HEADER_BYTES + header.payloadBytes;
  }
  return reached;
}
