import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DeliveryEvent, EncodedRange, EncodedRangeDecoder, ReportExportFormat, ReportQuery } from '@adplatform/ports';
import { checkReportQuery } from '@adplatform/ports';
import type { DuckDbAnalytics, DuckDbAnalyticsOptions } from './duckdb-analytics.js';
import {
  type AnalyticsWorkerData,
  deserializeError,
  type ForwardedMethod,
  type FromWorker,
  type SerializedError,
  type ToWorker,
} from './duckdb-worker-protocol.js';

/** Events per message of an ingest: cloning one piece costs this thread about half a millisecond (~2 µs an event). */
const STAGE_EVENTS = 250;

export interface DuckDbAnalyticsWorkerOptions extends DuckDbAnalyticsOptions {
  /**
   * A nice value (0–19) for the worker's thread, so that on a busy core the
   * event loop wins (Linux keeps nice values per thread). DuckDB's statements
   * run on libuv's shared pool and DuckDB's own threads, which keep the
   * process's priority.
   */
  niceness?: number;
  /**
   * Decoders of the event log's encoded ranges, loaded by the worker by URL
   * (the local log's `localLogRangeDecoder()`): `ingestEncoded` takes ranges
   * of these formats. The composition root passes them, so this adapter never
   * imports the log's.
   */
  decoders?: readonly EncodedRangeDecoder[];
}

export interface DuckDbAnalyticsWorker extends DuckDbAnalytics {
  /** The worker's `threadId`, where every DuckDB call runs; for tests. */
  readonly workerThreadId: number;
  /** The `EncodedRange` formats the worker decodes itself: those of the `decoders` it was given. */
  readonly encodedReadFormats: readonly string[];
  /**
   * `ingestSlices` of ranges as the event log stores them: this thread moves
   * each range's bytes to the worker, which decodes them there (no decoding
   * and no cloning of events here). A range of another format, or bytes that
   * do not decode, fail the batch and store nothing of it.
   */
  ingestEncoded(ranges: AsyncIterable<EncodedRange>): Promise<{ inserted: number; duplicates: number }>;
}

/**
 * The worker's entry: beside this file when bundled (tooling/build.mjs builds
 * `duckdb-analytics-worker.mjs` next to the bundle), else the TypeScript
 * source through tsx's loader, registered inside the worker (a worker ignores
 * `--import` in its execArgv).
 */
function workerEntry(): { entry: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./duckdb-analytics-worker.mjs', import.meta.url), eval: false };
  const tsxApi = createRequire(import.meta.url).resolve('tsx/esm/api');
  const source = new URL('./duckdb-analytics-worker.ts', import.meta.url).href;
  const load = `import(${JSON.stringify(pathToFileURL(tsxApi.replace(/\.cjs$/, '.mjs')).href)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return { entry: load, eval: true };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The DuckDB analytics store in a worker thread: the same store as
 * `createDuckDbAnalytics` (same options, same answers), with DuckDB and all of
 * ingest's synchronous work off this thread. This thread only clones a batch
 * to the worker, 250 events per message with a turn of the event loop
 * between them, and reports and export pieces back. An export is pulled a
 * piece at a time, so the worker holds one piece per open export. A worker
 * that dies rejects every call in flight and every later one.
 */
export async function createDuckDbAnalyticsWorker(options: DuckDbAnalyticsWorkerOptions): Promise<DuckDbAnalyticsWorker> {
  const { onBackgroundError, niceness, decoders = [], ...storeOptions } = options;
  const entry = workerEntry();
  const workerData: AnalyticsWorkerData = { options: storeOptions, decoders, ...(niceness === undefined ? {} : { niceness }) };
  const worker = new Worker(entry.entry, { workerData, eval: entry.eval });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let nextBatch = 1;
  let dead: Error | undefined;
  let closing: Promise<void> | undefined;

  // Only our own listeners are removed after: Worker keeps internal ones (removeAllListeners stops its messages).
  let removeStartListeners = () => {};
  const workerThreadId = await new Promise<number>((resolve, reject) => {
    const onMessage = (message: FromWorker) => {
      if (message.kind === 'ready') resolve(message.threadId);
      else if (message.kind === 'failed') reject(deserializeError(message.error));
    };
    const onExit = (code: number) => reject(new Error(`the analytics worker exited (code ${code}) before it was ready`));
    worker.on('message', onMessage).on('error', reject).on('exit', onExit);
    removeStartListeners = () => worker.off('message', onMessage).off('error', reject).off('exit', onExit);
  }).finally(() => removeStartListeners());
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const fail = (error: Error) => {
    dead ??= error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (message: FromWorker) => {
    if (message.kind === 'reply') {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (pending.size === 0) worker.unref();
      if (message.ok) call?.resolve(message.value);
      else call?.reject(deserializeError(message.error));
    } else if (message.kind === 'background-error') onBackgroundError?.(deserializeError(message.error as SerializedError));
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => fail(new Error(`the analytics worker exited (code ${code})`)));
  // Idle, the worker does not keep the process alive; a call in flight does.
  worker.unref();

  function request<T>(message: ToWorker & { id: number }): Promise<T> {
    if (dead) return Promise.reject(dead);
    return new Promise<T>((resolve, reject) => {
      pending.set(message.id, { resolve: resolve as (value: unknown) => void, reject });
      if (pending.size === 1) worker.ref();
      worker.postMessage(message);
    });
  }
  const call = <T>(method: ForwardedMethod, ...args: unknown[]) => request<T>({ kind: 'call', id: nextId++, method, args });

  /** Sends the pieces `pieces` makes of each item as it comes, with a turn of the event loop between them, then stores them as one batch. */
  async function streamBatch<T>(
    items: AsyncIterable<T>,
    pieces: (item: T, batch: number) => Iterable<{ message: ToWorker; transfer: ArrayBuffer[] }>,
  ): Promise<{ inserted: number; duplicates: number }> {
    if (dead) throw dead;
    const batch = nextBatch++;
    let first = true;
    try {
      for await (const item of items) {
        for (const { message, transfer } of pieces(item, batch)) {
          if (!first) await nextTurn();
          first = false;
          if (dead) throw dead;
          worker.postMessage(message, transfer);
        }
      }
    } catch (error) {
      if (!dead) worker.postMessage({ kind: 'drop', batch } satisfies ToWorker);
      throw error;
    }
    return request({ kind: 'ingest', id: nextId++, batch });
  }

  /** Clones events to the worker STAGE_EVENTS at a time. */
  const ingestSlices = (slices: AsyncIterable<readonly DeliveryEvent[]>) =>
    streamBatch(slices, function* (events, batch) {
      for (let at = 0; at < events.length; at += STAGE_EVENTS) {
        yield { message: { kind: 'stage', batch, events: events.slice(at, at + STAGE_EVENTS) }, transfer: [] };
      }
    });

  /** Moves each range's bytes to the worker: a range that owns its whole buffer is moved as it is, else copied once. */
  const ingestEncoded = (ranges: AsyncIterable<EncodedRange>) =>
    streamBatch(ranges, function* (range, batch) {
      const { bytes } = range;
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      const moved = own ? bytes : new Uint8Array(bytes);
      yield { message: { kind: 'stage-encoded', batch, range: { ...range, bytes: moved } }, transfer: [moved.buffer as ArrayBuffer] };
    });

  async function* once(events: readonly DeliveryEvent[]) {
    yield events;
  }

  async function exportReport(query: ReportQuery, format: ReportExportFormat): Promise<AsyncIterable<Uint8Array>> {
    checkReportQuery(query); // here too: a refused query throws the same AppError without a round trip
    const stream = await request<number>({ kind: 'export', id: nextId++, query, format });
    return (async function* () {
      let done = false;
      try {
        for (;;) {
          const piece = await request<Uint8Array | null>({ kind: 'next', id: nextId++, stream });
          if (piece === null) {
            done = true;
            return;
          }
          yield piece;
        }
      } finally {
        if (!done && !dead) await request({ kind: 'return', id: nextId++, stream });
      }
    })();
  }

  return {
    kind: 'duckdb',
    workerThreadId,
    ingest: (events) => ingestSlices(once(events)),
    ingestSlices,
    encodedReadFormats: decoders.map((decoder) => decoder.format),
    ingestEncoded,
    exportReport,
    report: (query) => call('report', query),
    sourceOf: (query) => call('sourceOf', query),
    useTimeZone: (organizationId, timeZone) => call('useTimeZone', organizationId, timeZone),
    idle: () => call('idle'),
    bulkLoadSql: (statements) => call('bulkLoadSql', statements),
    rebuildRollups: () => call('rebuildRollups'),
    ingestStagedSql: (statements) => call('ingestStagedSql', statements),
    ping: () => call('ping'),
    tableSizes: () => call('tableSizes'),
    close() {
      closing ??= (async () => {
        if (!dead) await call('close');
        dead ??= new Error('the analytics store is closed');
        // The worker ends by itself once closed; a wedged one is ended here.
        const timer = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
