import { type FileHandle, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@adplatform/domain';
import type { DeliveryEvent, EncodedAppend, EncodedRead, EventLog } from '@adplatform/ports';
import {
  CHUNK_EVENTS,
  type ChunkHeader,
  ChunkWriter,
  decodePayload,
  FRAMED_FORMAT,
  type FramedChunk,
  framedChunks,
  READ_FORMAT,
} from './chunk-codec.js';
import { type DurableBatch, durableBatch, encodeEach, encodeMerged, type Pending } from './commit-encoding.js';
import { createConsumerOffsets, syncDir } from './consumer-offsets.js';
import { indexChunk, positionBefore, SEGMENT_NAME, type SparseIndex, scanSegment, segmentName, walkChunks } from './segment-file.js';

export interface LocalEventLogOptions {
  /** The log's directory (`<data dir>/events`): segments in it, consumer offsets in `consumers/`. Created if missing. */
  dir: string;
  /** A segment is closed and a new one started once the next write would pass this size. Default 64 MiB. */
  segmentBytes?: number;
  /** Whole old segments are deleted past these bounds (never the one being written). Default: keep everything. */
  retention?: { maxBytes?: number; maxAgeMs?: number };
  /**
   * How long an append waits for others to share its write and fsync: the first after a quiet spell, and those that
   * arrive while a write is in flight (so commits are at least this far apart). Default 0 (the next turn of the event loop).
   */
  groupCommitMs?: number;
  /**
   * How long a background append (`append(events, { background: true })`: nobody awaits it) may wait for others, when
   * no awaited append is queued; an awaited one brings the commit forward to `groupCommitMs`. Default `groupCommitMs`.
   */
  backgroundCommitMs?: number;
  /** Epoch ms, for age retention; injectable for tests. */
  nowMs?: () => number;
  /** Opens the segment being appended to; injectable so tests can make writes fail (disk full, I/O error). */
  openForAppend?: (file: string) => Promise<FileHandle>;
}

export interface LocalEventLogStats {
  appendCalls: number;
  events: number;
  /** One `writev` per group commit. */
  writes: number;
  /** One `fdatasync` per group commit. */
  fsyncs: number;
  bytes: number;
  segments: number;
}

export type { DurableBatch } from './commit-encoding.js';

/** Sees each append once it is durable. */
export type DurableTap = (batch: DurableBatch) => void;

export interface LocalEventLog extends EventLog, EncodedAppend, EncodedRead {
  /** What opening found: the bytes of a torn or corrupt tail cut from the last segment. */
  readonly recovery: { truncatedBytes: number };
  stats(): LocalEventLogStats;
  /** The offset of the oldest kept event (where a consumer behind retention resumes). */
  oldestOffset(): number;
  /**
   * Calls `tap` with each append once it is durable, in offset order,
   * synchronously before those appends resolve; answers a function that
   * removes it. An in-process reader of what is being written (the live stats)
   * needs no read and no decoding: this process is the log's only writer. The
   * events are the producer's objects: read them during the call, never keep
   * or change them. A tap that throws is ignored.
   */
  onDurable(tap: DurableTap): () => void;
  /** Deletes old segments past the retention bounds; also runs after each rotation and every minute with an age bound. */
  applyRetention(): Promise<void>;
}

interface Segment {
  baseOffset: number;
  file: string;
  sizeBytes: number;
  lastWriteMs: number;
  /** Built when the segment is first read (sealed segments are not scanned at open). */
  index: SparseIndex | undefined;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** Background appends holding this many events are committed at `groupCommitMs` like awaited ones (a bounded buffer). */
const BACKGROUND_MAX_EVENTS = 4 * CHUNK_EVENTS;

/**
 * The durable embedded event log (ADR 0012): append-only segment files with
 * CRC-framed chunks, group commit (appends that arrive while a write is under
 * way share the next `writev` + `fdatasync`, and each resolves only once its
 * events are on disk), torn-tail recovery at open, rotation and retention by
 * whole segments, and durable consumer offsets.
 */
export async function createLocalEventLog(options: LocalEventLogOptions): Promise<LocalEventLog> {
  const { dir, groupCommitMs = 0, retention = {} } = options;
  const backgroundCommitMs = options.backgroundCommitMs ?? groupCommitMs;
  if (!(backgroundCommitMs >= groupCommitMs)) throw new RangeError('backgroundCommitMs must be at least groupCommitMs');
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  const nowMs = options.nowMs ?? Date.now;
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1024) throw new RangeError('segmentBytes must be an integer of at least 1024');
  await mkdir(path.join(dir, 'consumers'), { recursive: true, mode: 0o700 });
  const offsets = createConsumerOffsets(path.join(dir, 'consumers'));
  const { segments, active: opened, endOffset, truncatedBytes } = await openSegments(dir);
  let active = opened;
  const openForAppend = options.openForAppend ?? ((file: string) => open(file, 'a'));
  let writer = await openForAppend(path.join(dir, active.file));
  let end = endOffset;
  const stats = { appendCalls: 0, events: 0, writes: 0, fsyncs: 0, bytes: 0 };
  let queue: Pending[] = [];
  /** What `queue` holds: whether an awaited append is in it, and how many events its background appends carry. */
  let queuedUrgent = false;
  let queuedBackgroundEvents = 0;
  let scheduled = false;
  /** The pending commit's timer (or immediate) and when it fires (performance.now() ms), so an awaited append can bring it forward. */
  let timer:
    | { kind: 'timeout'; handle: ReturnType<typeof setTimeout> }
    | { kind: 'immediate'; handle: ReturnType<typeof setImmediate> }
    | undefined;
  let dueAt = 0;
  let flushing: Promise<void> | undefined;
  let closed = false;
  let broken: unknown;
  /** One buffer for every group commit's chunks: commits run one at a time, and each is written before the next is encoded. */
  const chunks = new ChunkWriter();
  const taps = new Set<DurableTap>();

  async function rotate(baseOffset: number): Promise<void> {
    await writer.close();
    active.lastWriteMs = nowMs();
    active = { baseOffset, file: segmentName(baseOffset), sizeBytes: 0, lastWriteMs: nowMs(), index: { offsets: [], positions: [] } };
    writer = await openForAppend(path.join(dir, active.file));
    segments.push(active);
    await syncDir(dir);
  }

  /**
   * Writes one group commit and answers the appends it holds; an append whose
   * events cannot be encoded is refused alone. On a failed write the file is
   * cut back to its durable size so nothing half-written stays.
   */
  async function commit(batch: Pending[]): Promise<Pending[]> {
    const baseOffset = end;
    chunks.reset();
    let encoded = batch.length > 1 ? encodeMerged(chunks, batch, baseOffset) : undefined;
    if (encoded === undefined) {
      chunks.reset();
      encoded = encodeEach(chunks, batch, baseOffset);
    }
    const { starts, written } = encoded;
    const offset = baseOffset + written.reduce((sum, pending) => sum + pending.count, 0);
    if (written.length === 0) return written;
    const bytes = chunks.byteLength;
    if (active.sizeBytes > 0 && active.sizeBytes + bytes > segmentBytes) {
      await rotate(baseOffset);
      await applyRetention();
    }
    try {
      const { bytesWritten } = await writer.writev([chunks.bytes()]);
      stats.writes++;
      if (bytesWritten !== bytes) throw new Error(`short write to the event log: ${bytesWritten} of ${bytes} bytes`);
      await writer.datasync();
      stats.fsyncs++;
    } catch (error) {
      await writer.truncate(active.sizeBytes).catch((cut: unknown) => {
        broken = unavailable(cut); // the file may now hold a torn tail: refuse appends until a reopen recovers it
      });
      throw unavailable(error);
    }
    for (const start of starts) if (active.index) indexChunk(active.index, start.offset, active.sizeBytes + start.bytes);
    active.sizeBytes += bytes;
    stats.bytes += bytes;
    stats.events += offset - baseOffset;
    end = offset;
    publish(written, baseOffset);
    return written;
  }

  /** Hands each durable append's events to the taps, in offset order; a tap that throws is its own problem. */
  function publish(written: Pending[], baseOffset: number): void {
    if (taps.size === 0) return;
    let offset = baseOffset;
    for (const pending of written) {
      const batch = durableBatch(pending, offset);
      for (const tap of taps) {
        try {
          tap(batch);
        } catch {
          // A tap only observes: its failure must not turn a durable append into a refused one.
        }
      }
      offset += pending.count;
    }
  }

  async function flush(): Promise<void> {
    scheduled = false;
    timer = undefined;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      queuedUrgent = false;
      queuedBackgroundEvents = 0;
      try {
        for (const pending of await commit(batch)) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error); // a second settle of a refused one is a no-op
      }
      // With a group-commit wait, what arrived during this write waits its turn too (schedule, after this flush):
      // otherwise a steady trickle gets one write + fsync per append whenever the fsync is quicker than the gap.
      if (groupCommitMs > 0) return;
    }
  }

  function run(): void {
    flushing = flush().finally(() => {
      flushing = undefined;
      if (queue.length > 0) schedule();
    });
  }

  /**
   * Sets the next commit's timer from what the queue holds: `groupCommitMs` when an awaited append (or a full
   * background buffer) is in it, else `backgroundCommitMs`. A timer already set for later is brought forward;
   * during a write, the `finally` of `run` schedules what arrived meanwhile.
   */
  function schedule(): void {
    if (flushing) return;
    const urgent = queuedUrgent || queuedBackgroundEvents >= BACKGROUND_MAX_EVENTS;
    const wait = urgent ? groupCommitMs : backgroundCommitMs;
    const due = performance.now() + wait;
    if (scheduled) {
      if (due >= dueAt) return;
      clearTimer();
    }
    scheduled = true;
    dueAt = due;
    timer = wait > 0 ? { kind: 'timeout', handle: setTimeout(run, wait) } : { kind: 'immediate', handle: setImmediate(run) };
  }

  function clearTimer(): void {
    // Each clear function only for its own kind: clearImmediate on a Timeout would miscount Node's immediate queue.
    if (timer?.kind === 'timeout') clearTimeout(timer.handle);
    else if (timer?.kind === 'immediate') clearImmediate(timer.handle);
    timer = undefined;
  }

  async function applyRetention(): Promise<void> {
    const { maxBytes, maxAgeMs } = retention;
    let totalBytes = segments.reduce((sum, segment) => sum + segment.sizeBytes, 0);
    while (segments.length > 1) {
      const oldest = segments[0] as Segment;
      const tooBig = maxBytes !== undefined && totalBytes > maxBytes;
      const tooOld = maxAgeMs !== undefined && oldest.lastWriteMs < nowMs() - maxAgeMs;
      if (!tooBig && !tooOld) break;
      segments.shift();
      totalBytes -= oldest.sizeBytes;
      await unlink(path.join(dir, oldest.file)).catch(() => undefined);
    }
  }
  const ageTimer = retention.maxAgeMs === undefined ? undefined : setInterval(() => void applyRetention().catch(() => undefined), 60_000);
  ageTimer?.unref();

  /**
   * Walks the chunks holding [`from`, `to`), handing each to `take` with the
   * indexes of the range's events in it; answers the offset to read next. A
   * sealed segment cut short by corruption: its lost events are skipped,
   * never returned out of order (a range that found events ends there).
   */
  async function walkFrom(
    from: number,
    to: number,
    take: (chunk: Buffer, header: ChunkHeader, start: number, stop: number) => void,
  ): Promise<number> {
    let taken = 0;
    const counting = (chunk: Buffer, header: ChunkHeader, start: number, stop: number) => {
      taken += stop - start;
      take(chunk, header, start, stop);
    };
    let reached = from;
    let at = segments.findLastIndex((segment) => segment.baseOffset <= from);
    while (reached < to && at >= 0 && at < segments.length) {
      const segment = segments[at] as Segment;
      const segmentEnd = segments[at + 1]?.baseOffset ?? end;
      const file = await open(path.join(dir, segment.file), 'r');
      try {
        segment.index ??= (await scanSegment(file, segment.baseOffset, segment.sizeBytes)).index;
        const position = positionBefore(segment.index, reached);
        reached = await walkChunks(file, { position, from: reached, to: Math.min(to, segmentEnd), sizeBytes: segment.sizeBytes }, counting);
      } finally {
        await file.close();
      }
      if (reached < Math.min(to, segmentEnd)) {
        if (taken > 0) return segmentEnd;
        reached = segmentEnd;
      }
      at++;
    }
    return reached;
  }

  /** `read`'s bounds: from the oldest kept event, up to what is durable; retried once when retention deletes a segment under it. */
  async function boundedRead<T>(offset: number, limit: number, walk: (from: number, to: number) => Promise<T>): Promise<T> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('offset must be a non-negative integer');
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
    const upTo = end; // only what is durable
    const from = Math.min(Math.max(offset, segments[0]?.baseOffset ?? 0), upTo);
    const to = Math.min(upTo, from + limit);
    for (let attempt = 0; ; attempt++) {
      try {
        return await walk(from === to ? to : Math.max(from, segments[0]?.baseOffset ?? 0), to);
      } catch (error) {
        // Retention deleted a segment under this read: start again at the oldest kept one.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw error;
      }
    }
  }

  /** Queues one append (objects or framed events) for the next group commit. */
  function enqueue(entry: Omit<Pending, 'resolve' | 'reject'>, background: boolean): Promise<void> {
    if (closed) return Promise.reject(new Error('the event log is closed'));
    if (broken) return Promise.reject(broken);
    stats.appendCalls++;
    if (entry.count === 0) return Promise.resolve();
    if (background) queuedBackgroundEvents += entry.count;
    else queuedUrgent = true;
    return new Promise((resolve, reject) => {
      queue.push({ ...entry, resolve, reject });
      schedule();
    });
  }

  return {
    kind: 'local-log',
    encodedFormat: FRAMED_FORMAT,
    recovery: { truncatedBytes },
    append(events, options) {
      return enqueue({ events, framed: undefined, count: events.length }, options?.background === true);
    },
    appendEncoded(encoded, options) {
      let chunks: FramedChunk[];
      try {
        if (encoded.format !== FRAMED_FORMAT) throw new RangeError(`encoded events: format ${encoded.format}, not ${FRAMED_FORMAT}`);
        chunks = framedChunks(encoded.bytes, encoded.count);
      } catch (error) {
        return Promise.reject(error);
      }
      return enqueue({ events: undefined, framed: { encoded, chunks }, count: encoded.count }, options?.background === true);
    },
    read: (offset, limit) =>
      boundedRead(offset, limit, async (from, to) => {
        const events: DeliveryEvent[] = [];
        const next = await walkFrom(from, to, (chunk, header, start, stop) => {
          const decoded = decodePayload(chunk, header);
          for (let i = start; i < stop; i++) events.push(decoded[i] as DeliveryEvent);
        });
        return { events, next };
      }),
    encodedReadFormat: READ_FORMAT,
    readEncoded: (offset, limit) =>
      boundedRead(offset, limit, async (from, to) => {
        const chunks: Buffer[] = [];
        let events = 0;
        let first: number | undefined;
        const next = await walkFrom(from, to, (chunk, header, start, stop) => {
          chunks.push(chunk);
          events += stop - start;
          first ??= header.baseOffset + start;
        });
        // A buffer of its own (never Node's shared pool), so the reader can move it to another thread.
        const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
        let at = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, at);
          at += chunk.byteLength;
        }
        return { format: READ_FORMAT, bytes, first: first ?? next, next, events };
      }),
    committedOffset: (consumer) => offsets.get(consumer),
    commitOffset: (consumer, offset) => offsets.set(consumer, offset),
    async close() {
      if (closed) return;
      closed = true;
      if (ageTimer) clearInterval(ageTimer);
      while (flushing || scheduled || queue.length > 0) {
        if (!flushing && scheduled) {
          clearTimer(); // what is queued is committed now, not when a background wait ends
          scheduled = false;
          run();
        }
        await (flushing ?? new Promise((resolve) => setImmediate(resolve)));
      }
      await writer.close();
    },
    onDurable(tap) {
      taps.add(tap);
      return () => void taps.delete(tap);
    },
    stats: () => ({ ...stats, segments: segments.length }),
    oldestOffset: () => segments[0]?.baseOffset ?? 0,
    applyRetention,
  };
}

/** Lists the segments, recovers the last one (cutting a torn tail) and answers them with the one to write. */
async function openSegments(dir: string): Promise<{ segments: Segment[]; active: Segment; endOffset: number; truncatedBytes: number }> {
  const names = (await readdir(dir)).filter((name) => SEGMENT_NAME.test(name)).sort();
  const segments: Segment[] = [];
  for (const file of names) {
    const info = await stat(path.join(dir, file));
    const baseOffset = Number(SEGMENT_NAME.exec(file)?.[1]);
    segments.push({ baseOffset, file, sizeBytes: info.size, lastWriteMs: info.mtimeMs, index: undefined });
  }
  if (segments.length === 0) {
    const first: Segment = { baseOffset: 0, file: segmentName(0), sizeBytes: 0, lastWriteMs: Date.now(), index: undefined };
    await (await open(path.join(dir, first.file), 'a')).close();
    await syncDir(dir);
    segments.push(first);
  }
  const active = segments.at(-1) as Segment;
  const handle = await open(path.join(dir, active.file), 'r+');
  try {
    const scanned = await scanSegment(handle, active.baseOffset, active.sizeBytes);
    const truncatedBytes = active.sizeBytes - scanned.validBytes;
    if (truncatedBytes > 0) {
      await handle.truncate(scanned.validBytes);
      await handle.datasync();
    }
    active.sizeBytes = scanned.validBytes;
    active.index = scanned.index;
    return { segments, active, endOffset: scanned.endOffset, truncatedBytes };
  } finally {
    await handle.close();
  }
}

/**
 * A write or fsync the disk refused (ENOSPC, EIO, EROFS…), as the typed error the HTTP layer answers
 * with 503: nothing of the batch was acknowledged, and what was stored before is intact.
 */
function unavailable(error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the file system is read-only' : 'a write failed';
  return new AppError('SERVICE_UNAVAILABLE', `The event log cannot store events: ${reason}${code ? ` (${code})` : ''}`, {
    cause: error instanceof Error ? error.message : String(error),
    errno: code,
  });
}
