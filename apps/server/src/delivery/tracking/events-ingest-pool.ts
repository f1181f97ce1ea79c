import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '@adplatform/domain';
import type { DeliveryEvent, EncodedEvents } from '@adplatform/ports';
import { BACKGROUND_NICENESS } from '../../background-threads.js';
import { type LineRejection, type ParsedLines, type ParseLinesOptions, parseEventLines } from './events-ingest-lines.js';
import { type PackedEvents, unpackEvents } from './events-ingest-packed.js';

export interface LinesWorkerData {
  niceness?: number;
}
export interface LinesWorkerRequest {
  id: number;
  body: Uint8Array;
  options: ParseLinesOptions;
  /** Answer the events encoded in this format for the log (`EncodedEvents`) when the worker can; else packed. */
  encodedFormat: string | undefined;
}
export type LinesWorkerReply =
  | { id: number; ok: true; packed: PackedEvents; rejected: LineRejection[]; tooMany: boolean }
  | { id: number; ok: true; encoded: EncodedEvents; rejected: LineRejection[]; tooMany: boolean }
  | { id: number; ok: false; message: string };

/**
 * A parsed body: the accepted events as objects (parsed on the calling thread,
 * or by a worker that cannot encode for the log), or encoded for the log by a
 * worker (`EventLinesPoolOptions.encodedFormat`), never both.
 */
export type ParsedBatch = Omit<ParsedLines, 'events'> &
  ({ events: DeliveryEvent[]; encoded?: undefined } | { events?: undefined; encoded: EncodedEvents });

export interface EventLinesPoolOptions {
  /** Worker threads, started one at a time as bodies come. Default: the cores but one, at least 1, at most 2. */
  threads?: number;
  /** A smaller body is parsed on the calling thread: sending it costs more than it saves. Default 64 KiB. */
  minBodyBytes?: number;
  /** Bodies in the workers at once; more are parsed on the calling thread (which then reads requests slower). Default 4 a thread. */
  maxQueued?: number;
  /** The workers' nice value (their threads yield to the event loop on a busy core). Default BACKGROUND_NICENESS. */
  niceness?: number;
  /**
   * The event log's `encodedFormat` (`EncodedAppend`): a worker that knows it
   * answers the events encoded for the log, which then writes them without
   * encoding them on the event loop. Default: events as objects.
   */
  encodedFormat?: string;
  /** For tests: the worker's code instead of events-ingest-worker. */
  workerEntry?: { entry: URL | string; eval: boolean };
}

export interface EventLinesPool {
  /**
   * `parseEventLines(body, options)`, the same answer, in a worker thread for
   * a large body (there, with `encodedFormat`, the events come encoded). `body`
   * may be moved to the worker (unusable after). A worker that dies rejects
   * its bodies with AppError SERVICE_UNAVAILABLE (nothing was accepted: the
   * sender retries) and is replaced by the next body.
   */
  parse(body: Buffer, options: ParseLinesOptions): Promise<ParsedBatch>;
  /** The workers started so far and alive; for tests. */
  readonly threadIds: readonly number[];
  close(): Promise<void>;
}

/**
 * The worker's entry: beside this file when bundled (tooling/build.mjs builds
 * `events-ingest-worker.mjs` next to the bundle), else the TypeScript source
 * through tsx's loader, registered inside the worker (as the DuckDB analytics
 * worker does: a worker ignores `--import` in its execArgv).
 */
function workerEntry(): { entry: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./events-ingest-worker.mjs', import.meta.url), eval: false };
  const tsxApi = createRequire(import.meta.url).resolve('tsx/esm/api');
  const source = new URL('./events-ingest-worker.ts', import.meta.url).href;
  const load = `import(${JSON.stringify(pathToFileURL(tsxApi.replace(/\.cjs$/, '.mjs')).href)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return { entry: load, eval: true };
}

interface Pending {
  resolve(parsed: ParsedBatch): void;
  reject(error: Error): void;
  organizationId: string;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

const workerDied = () =>
  new AppError('SERVICE_UNAVAILABLE', 'The events parser stopped while reading the batch; nothing was acknowledged, retry it');

/** Worker threads that parse `POST /t/events` bodies (ADR 0021); small bodies and overflow stay on the calling thread. */
export function createEventLinesPool(options: EventLinesPoolOptions = {}): EventLinesPool {
  const size = options.threads ?? Math.max(1, Math.min(2, availableParallelism() - 1));
  const minBodyBytes = options.minBodyBytes ?? 65_536;
  const maxQueued = options.maxQueued ?? 4 * size;
  const niceness = options.niceness ?? BACKGROUND_NICENESS;
  const threads: Thread[] = [];
  let queued = 0;
  let nextId = 1;
  let closed = false;

  function start(): Thread {
    const entry = options.workerEntry ?? workerEntry();
    const workerData: LinesWorkerData = { niceness };
    const worker = new Worker(entry.entry, { workerData, eval: entry.eval });
    const thread: Thread = { worker, pending: new Map() };
    const fail = () => {
      const at = threads.indexOf(thread);
      if (at !== -1) threads.splice(at, 1);
      queued -= thread.pending.size;
      for (const call of thread.pending.values()) call.reject(workerDied());
      thread.pending.clear();
    };
    worker.on('message', (reply: LinesWorkerReply) => {
      const call = thread.pending.get(reply.id);
      if (!call) return;
      thread.pending.delete(reply.id);
      queued -= 1;
      if (thread.pending.size === 0) worker.unref();
      if (!reply.ok) call.reject(new Error(`events parser: ${reply.message}`));
      else if ('encoded' in reply) call.resolve({ encoded: reply.encoded, rejected: reply.rejected, tooMany: reply.tooMany });
      else {
        const events = unpackEvents(reply.packed, call.organizationId);
        call.resolve({ events, rejected: reply.rejected, tooMany: reply.tooMany });
      }
    });
    worker.on('error', fail);
    worker.on('exit', fail);
    // Idle, a worker does not keep the process alive; a body in flight does.
    worker.unref();
    threads.push(thread);
    return thread;
  }

  /** The thread with the fewest bodies, a new one while fewer than `size` run and all are busy. */
  function pick(): Thread {
    let best: Thread | undefined;
    for (const thread of threads) if (!best || thread.pending.size < best.pending.size) best = thread;
    if (best && (best.pending.size === 0 || threads.length >= size)) return best;
    return start();
  }

  return {
    get threadIds() {
      return threads.map((t) => t.worker.threadId);
    },
    parse(body, parseOptions) {
      if (closed || body.byteLength < minBodyBytes || queued >= maxQueued) {
        return Promise.resolve(parseEventLines(body, parseOptions));
      }
      const thread = pick();
      const id = nextId++;
      // Moved when the body owns its memory, else copied (a pooled buffer shares its memory with others).
      const owns = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
      const bytes = owns ? body : new Uint8Array(body);
      return new Promise<ParsedBatch>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject, organizationId: parseOptions.organizationId });
        queued += 1;
        if (thread.pending.size === 1) thread.worker.ref();
        const request: LinesWorkerRequest = { id, body: bytes, options: parseOptions, encodedFormat: options.encodedFormat };
        thread.worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
      });
    },
    async close() {
      closed = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
