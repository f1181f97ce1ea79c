/**
 * How a group commit turns its appends into chunks: objects are encoded,
 * events framed elsewhere (`appendEncoded`) are copied and renumbered, all
 * in call order into the log's one writer. And what the taps are given of
 * each append once it is durable.
 */
import { type DeliveryEvent, type EncodedEvents, type EventTally, tallyEvents } from '@adplatform/ports';
import { CHUNK_EVENTS, type ChunkStart, type ChunkWriter, type FramedChunk } from './chunk-codec.js';

/** One append, durable: its events as the producer appended them, or (encoded ones) what they add up to. */
export interface DurableBatch {
  firstOffset: number;
  count: number;
  /** The producer's objects; undefined for an `appendEncoded`, whose events are not objects in this thread. */
  events: readonly DeliveryEvent[] | undefined;
  /** What the events add up to: the producer's for an `appendEncoded`, else counted from `events` when first read. */
  readonly tally: readonly EventTally[];
}

export interface Pending {
  /** The appended objects, or undefined for encoded events (`framed`). */
  events: readonly DeliveryEvent[] | undefined;
  framed: { encoded: EncodedEvents; chunks: FramedChunk[] } | undefined;
  count: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A commit's encoded chunks and the appends they hold (those refused while encoding are not among them). */
export interface Encoded {
  starts: ChunkStart[];
  written: Pending[];
}

/**
 * The events of all the batch's appends as consecutive chunks of up to CHUNK_EVENTS, whatever append each came
 * from: decisions append one or two events each, and a chunk per append repeated every id in full (each chunk has
 * its own dictionary) and a header per event or two, for the writer and every reader. Undefined when an event
 * cannot be encoded: the caller then encodes append by append, so that one is refused alone.
 */
export function encodeMerged(chunks: ChunkWriter, batch: Pending[], baseOffset: number): Encoded | undefined {
  const starts: ChunkStart[] = [];
  let run: DeliveryEvent[] = [];
  let offset = baseOffset;
  const endRun = () => {
    if (run.length === 0) return;
    starts.push({ offset, bytes: chunks.byteLength });
    chunks.add(run, offset);
    offset += run.length;
    run = [];
  };
  try {
    for (const pending of batch) {
      if (pending.framed) {
        // Already framed: the objects before it close their chunk, and the framed chunks follow as they are.
        endRun();
        starts.push(...chunks.addFramed(pending.framed.encoded.bytes, pending.framed.chunks, offset));
        offset += pending.count;
        continue;
      }
      for (const event of pending.events ?? []) {
        run.push(event);
        if (run.length === CHUNK_EVENTS) endRun();
      }
    }
    endRun();
  } catch {
    return undefined;
  }
  return { starts, written: batch };
}

/** A chunk (or several, for a large one) per append; an append whose events cannot be encoded is refused alone. */
export function encodeEach(chunks: ChunkWriter, batch: Pending[], baseOffset: number): Encoded {
  const starts: ChunkStart[] = [];
  const written: Pending[] = [];
  let offset = baseOffset;
  for (const pending of batch) {
    const before = { bytes: chunks.byteLength, starts: starts.length };
    try {
      if (pending.framed) starts.push(...chunks.addFramed(pending.framed.encoded.bytes, pending.framed.chunks, offset));
      const appended = pending.events ?? [];
      for (let at = 0; at < appended.length; at += CHUNK_EVENTS) {
        const events = appended.length <= CHUNK_EVENTS ? appended : appended.slice(at, at + CHUNK_EVENTS);
        starts.push({ offset: offset + at, bytes: chunks.byteLength });
        chunks.add(events, offset + at);
      }
    } catch (error) {
      chunks.truncate(before.bytes);
      starts.length = before.starts;
      pending.reject(error);
      continue;
    }
    offset += pending.count;
    written.push(pending);
  }
  return { starts, written };
}

/** What the taps see of one durable append; the tally of appended objects is counted only if a tap asks for it. */
export function durableBatch(pending: Pending, firstOffset: number): DurableBatch {
  const { events, framed, count } = pending;
  if (framed) return { firstOffset, count, events: undefined, tally: framed.encoded.tally };
  let tally: EventTally[] | undefined;
  return {
    firstOffset,
    count,
    events,
    get tally() {
      tally ??= tallyEvents(events ?? []);
      return tally;
    },
  };
}
