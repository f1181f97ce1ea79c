/**
 * The worker thread of `createDuckDbAnalyticsWorker`: owns the DuckDB store
 * (its instance, writer and report connections) and answers the proxy's
 * messages (duckdb-worker-protocol.ts). Everything synchronous in ingest —
 * building a batch's columns, the appender's chunks and flush — runs here,
 * never on the app's event loop. A batch's pieces are staged as they arrive
 * (the store's `ingestSlices`), while the app's thread reads the next ones.
 */
import { setPriority } from 'node:os';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { DeliveryEvent, EncodedRange, EncodedRangeDecoderModule } from '@adplatform/ports';
import { createDuckDbAnalytics, type DuckDbAnalytics } from './duckdb-analytics.js';
import { type AnalyticsWorkerData, FORWARDED_METHODS, type FromWorker, serializeError, type ToWorker } from './duckdb-worker-protocol.js';

if (!parentPort) throw new Error('duckdb-analytics-worker runs as a worker thread');
const port = parentPort;
const data = workerData as AnalyticsWorkerData;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

// Linux keeps a nice value per thread: pid 0 is this thread only (DuckDB's statements run on other threads).
if (data.niceness !== undefined) {
  try {
    setPriority(0, data.niceness);
  } catch {
    // Not permitted or not supported: run at the process's priority.
  }
}

async function open(): Promise<DuckDbAnalytics | undefined> {
  try {
    for (const { format, module } of data.decoders ?? []) {
      const loaded = (await import(module)) as Partial<EncodedRangeDecoderModule>;
      if (typeof loaded.decodeRange !== 'function') throw new TypeError(`${module} exports no decodeRange for format ${format}`);
      decoders.set(format, loaded as EncodedRangeDecoderModule);
    }
    return await createDuckDbAnalytics({
      ...data.options,
      onBackgroundError: (error) => send({ kind: 'background-error', error: serializeError(error) }),
    });
  } catch (error) {
    // Answered as data, not thrown: the thread then ends with nothing left to run.
    send({ kind: 'failed', error: serializeError(error) });
    port.close();
    return undefined;
  }
}

/**
 * The pieces of one batch as an async iterable for `ingestSlices`: pieces
 * wait here until the store takes them; `end` closes it (the batch's
 * `ingest`), `fail` makes the store drop the batch.
 */
class PieceQueue implements AsyncIterable<readonly DeliveryEvent[]> {
  /** Events, or an encoded range decoded only when the store takes it: waiting ranges hold bytes, not objects. */
  private readonly waiting: (DeliveryEvent[] | EncodedRange)[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  push(piece: DeliveryEvent[] | EncodedRange): void {
    this.waiting.push(piece);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: Error): void {
    this.failure = error;
    this.waiting.length = 0;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<readonly DeliveryEvent[]> {
    for (;;) {
      if (this.failure) throw this.failure;
      const piece = this.waiting.shift();
      if (piece) yield Array.isArray(piece) ? piece : decodeRange(piece);
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** The decoders of encoded ranges by format, loaded by URL before the worker answers (`AnalyticsWorkerData.decoders`). */
const decoders = new Map<string, EncodedRangeDecoderModule>();

/** The events of an encoded range from the event log; a RangeError for a format this worker cannot decode. */
function decodeRange(range: EncodedRange): DeliveryEvent[] {
  const decoder = decoders.get(range.format);
  if (!decoder) throw new RangeError(`encoded events: no decoder for format ${range.format}`);
  return decoder.decodeRange(range);
}

/** Answers the proxy's messages from `store` until the port closes. */
function listen(store: DuckDbAnalytics): void {
  const batches = new Map<number, { pieces: PieceQueue; stored: Promise<{ inserted: number; duplicates: number }> }>();
  const streams = new Map<number, AsyncIterator<Uint8Array>>();
  let nextStream = 1;

  async function reply(id: number, work: () => Promise<unknown>): Promise<void> {
    try {
      const value = await work();
      if (value instanceof Uint8Array) {
        // A fresh buffer, moved rather than copied: the piece may be a view into a larger (pooled) one.
        const copy = new Uint8Array(value);
        send({ kind: 'reply', id, ok: true, value: copy }, [copy.buffer]);
      } else send({ kind: 'reply', id, ok: true, value });
    } catch (error) {
      send({ kind: 'reply', id, ok: false, error: serializeError(error) });
    }
  }

  /** The batch's entry, its ingest started (queued behind the batches before it) with its first piece. */
  function batchOf(batch: number) {
    let entry = batches.get(batch);
    if (!entry) {
      const pieces = new PieceQueue();
      const stored = store.ingestSlices(pieces);
      stored.catch(() => undefined); // answered at the batch's `ingest`; a dropped batch's failure is expected
      entry = { pieces, stored };
      batches.set(batch, entry);
    }
    return entry;
  }

  function ingest(batch: number) {
    const entry = batchOf(batch);
    batches.delete(batch);
    entry.pieces.end();
    return entry.stored;
  }

  async function nextPiece(stream: number): Promise<Uint8Array | null> {
    const iterator = streams.get(stream);
    if (!iterator) throw new Error('the export stream is closed');
    const piece = await iterator.next();
    if (!piece.done) return piece.value;
    streams.delete(stream);
    return null;
  }

  async function closeStream(stream: number): Promise<null> {
    const iterator = streams.get(stream);
    streams.delete(stream);
    await iterator?.return?.(undefined);
    return null;
  }

  port.on('message', (message: ToWorker) => {
    switch (message.kind) {
      case 'stage':
        batchOf(message.batch).pieces.push(message.events);
        return;
      case 'stage-encoded':
        batchOf(message.batch).pieces.push(message.range);
        return;
      case 'drop':
        batches.get(message.batch)?.pieces.fail(new Error('the batch was dropped by its sender'));
        batches.delete(message.batch);
        return;
      case 'ingest':
        void reply(message.id, () => ingest(message.batch));
        return;
      case 'export':
        void reply(message.id, async () => {
          const body = await store.exportReport(message.query, message.format);
          const stream = nextStream++;
          streams.set(stream, body[Symbol.asyncIterator]());
          return stream;
        });
        return;
      case 'next':
        void reply(message.id, () => nextPiece(message.stream));
        return;
      case 'return':
        void reply(message.id, () => closeStream(message.stream));
        return;
      case 'call': {
        const { method, args } = message;
        if (!FORWARDED_METHODS.includes(method)) {
          void reply(message.id, () => Promise.reject(new Error(`unknown method ${String(method)}`)));
          return;
        }
        const call = store[method] as (...values: unknown[]) => Promise<unknown>;
        const replied = reply(message.id, () => call(...args));
        // Closed and answered: the port closes, and the thread ends with nothing left to run.
        if (method === 'close') void replied.then(() => port.close());
        return;
      }
    }
  });
}

const opened = await open();
if (opened) {
  listen(opened);
  send({ kind: 'ready', threadId });
}
