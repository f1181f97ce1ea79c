import {
  type AnalyticsStore,
  type DeliveryEvent,
  type EncodedRange,
  type EncodedRead,
  type EventLog,
  readsEncoded,
} from '@adplatform/ports';
import { Gauge, type Registry } from 'prom-client';

/**
 * The default batch: just over DuckDB's row group (122,880 rows). DuckDB writes a transaction that appends whole row
 * groups straight to the database file, and its commit then does not copy the rows into the WAL. Measured on a file
 * store (2026-11-28, bench:ingest (b)): 50,000-event batches spent ~45% of their time in the commit, and the pipeline
 * moved 55,000 events/s end to end; batches of 131,072, 75,000 events/s. The DuckDB worker stages each piece as it
 * comes (it never holds the batch as objects), so a bigger batch costs the staged columns, not the events.
 */
export const ANALYTICS_BATCH_EVENTS = 131_072;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A store that can take a batch as it is read, slice by slice, so this thread
 * never holds a whole batch (the DuckDB store in a worker thread can);
 * others get the batch whole through `ingest`.
 */
export interface SlicedIngest {
  ingestSlices?(slices: AsyncIterable<readonly DeliveryEvent[]>): Promise<{ inserted: number; duplicates: number }>;
  /** The `EncodedRange` formats `ingestEncoded` decodes (the DuckDB worker: the local log's chunks). */
  readonly encodedReadFormats?: readonly string[];
  /** A batch of ranges as the log stores them, decoded by the store (in its own thread); may take over their bytes. */
  ingestEncoded?(ranges: AsyncIterable<EncodedRange>): Promise<{ inserted: number; duplicates: number }>;
}

/** Events per encoded read: the log only reads and checks the bytes on this thread, so a read can be large. */
const ENCODED_READ_EVENTS = 8_192;

export interface AnalyticsConsumerOptions {
  eventLog: EventLog;
  store: AnalyticsStore & SlicedIngest;
  /** The consumer's name in the log's offsets; default `analytics`. */
  consumer?: string;
  /** Events read and ingested per batch; default ANALYTICS_BATCH_EVENTS. */
  batchSize?: number;
  /**
   * Events per read of the log: a batch is read in slices with a turn of the
   * event loop between them, and handed on as it is read. Default 1,000 when
   * the log decodes on this thread (decoding never holds the loop for long);
   * ENCODED_READ_EVENTS when the store decodes the log's ranges itself.
   */
  readSliceSize?: number;
  /** Wait after a batch that was not full (caught up, or nearly) before reading again, ms; default 250. */
  idleMs?: number;
  /** Wait after a failed batch, ms, doubled per failure up to 30 s; default 1,000. */
  retryMs?: number;
  log?: { error(obj: object, msg: string): void };
  /** The app's metrics registry: the consumer's lag gauges are registered in it (see `registerConsumerLagMetrics`). */
  metrics?: Registry;
}

export interface ConsumedBatch {
  events: number;
  inserted: number;
  duplicates: number;
  /** The offset committed after the batch: the next one to read. */
  next: number;
}

export interface AnalyticsConsumer {
  /** Reads, ingests and commits one batch from the committed offset; `events` 0 when caught up. */
  consumeBatch(): Promise<ConsumedBatch>;
  /** Consumes batches until caught up with the log as it was; returns the sums. */
  drain(): Promise<ConsumedBatch>;
  /** Starts consuming in the background until `stop`. */
  start(): void;
  /** Stops after the batches in flight (whose offsets are then committed). */
  stop(): Promise<void>;
}

type Counts = { inserted: number; duplicates: number };
type ReadProgress = { events: number; next: number };
/** One read of the log: a piece for the store, the events in it, and where to read next. */
type Slice<T> = { piece: T; events: number; next: number };

/** How a batch is read, a slice at a time, and handed to the store. */
interface BatchSource<T> {
  /** Events per read. */
  sliceSize: number;
  read(offset: number, limit: number): Promise<Slice<T>>;
  ingest(pieces: AsyncIterable<T>): Promise<Counts>;
}

/** Events decoded on this thread, handed on slice by slice to a store that takes slices, else as one batch. */
function eventSource(log: EventLog, store: AnalyticsStore & SlicedIngest, sliceSize: number): BatchSource<DeliveryEvent[]> {
  return {
    sliceSize,
    async read(offset, limit) {
      const { events, next } = await log.read(offset, limit);
      return { piece: events, events: events.length, next };
    },
    async ingest(slices) {
      if (store.ingestSlices) return store.ingestSlices(slices);
      const events: DeliveryEvent[] = [];
      for await (const slice of slices) for (const event of slice) events.push(event);
      return store.ingest(events);
    },
  };
}

/** The log's ranges as it stores them, for a store that decodes them in its own thread. */
function encodedSource(
  log: EventLog & EncodedRead,
  ingest: (ranges: AsyncIterable<EncodedRange>) => Promise<Counts>,
  sliceSize: number,
): BatchSource<EncodedRange> {
  return {
    sliceSize,
    async read(offset, limit) {
      const range = await log.readEncoded(offset, limit);
      return { piece: range, events: range.events, next: range.next };
    },
    ingest,
  };
}

/**
 * Feeds analytics from the event log: read a batch from the consumer's
 * committed offset, ingest it, and only then commit the offset after it. A
 * crash between ingest and commit re-reads the batch after a restart, and the
 * store's dedupe by event id makes that second ingest change nothing: at least
 * once in, exactly once in effect. Over a backlog, the next batch is read
 * while the last is stored; offsets are committed in batch order. With a log
 * that reads encoded ranges (the local log) and a store that decodes them
 * (the DuckDB worker), this thread moves the log's bytes and never decodes.
 */
export function createAnalyticsConsumer(options: AnalyticsConsumerOptions): AnalyticsConsumer {
  const name = options.consumer ?? 'analytics';
  const batchSize = options.batchSize ?? ANALYTICS_BATCH_EVENTS;
  const idleMs = options.idleMs ?? 250;
  const retryMs = options.retryMs ?? 1_000;
  let running: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  let inFlight: Promise<ConsumedBatch> | undefined;
  if (options.metrics) registerConsumerLagMetrics(options.metrics, { eventLog: options.eventLog, consumer: name });
  const { eventLog, store } = options;
  const sliceOf = (fallback: number) => Math.max(1, Math.min(options.readSliceSize ?? fallback, batchSize));

  /**
   * The batch from `first` on, a slice at a time with a turn of the event loop between reads;
   * `progress` counts what was read and where to read next. A short slice means the end of the log (for now).
   */
  async function* slicesFrom<T>(source: BatchSource<T>, first: Slice<T>, progress: ReadProgress) {
    yield first.piece;
    let last = first.events;
    let want = source.sliceSize;
    while (last === want && progress.events < batchSize) {
      await nextTurn();
      want = Math.min(source.sliceSize, batchSize - progress.events);
      const slice = await source.read(progress.next, want);
      progress.events += slice.events;
      progress.next = slice.next;
      last = slice.events;
      if (last > 0) yield slice.piece;
    }
  }

  /**
   * Starts reading and ingesting the batch at `offset` from `source`:
   * `read` settles once its last slice is read, so the next batch can start
   * while this one is stored; `stored` once the store has it.
   */
  function startBatchOf<T>(source: BatchSource<T>, offset: number): { read: Promise<ReadProgress>; stored: Promise<Counts> } {
    let readDone = (_: ReadProgress) => {};
    let readFailed = (_: unknown) => {};
    const read = new Promise<ReadProgress>((resolve, reject) => {
      readDone = resolve;
      readFailed = reject;
    });
    const stored = (async (): Promise<Counts> => {
      const first = await source.read(offset, source.sliceSize);
      const progress = { events: first.events, next: first.next };
      if (first.events === 0) {
        readDone(progress);
        return { inserted: 0, duplicates: 0 };
      }
      return source.ingest(
        (async function* () {
          yield* slicesFrom(source, first, progress);
          readDone(progress);
        })(),
      );
    })();
    // A failed read fails the ingest of its batch; a failed ingest ends the read (a settled `read` stays as it is).
    stored.catch(readFailed);
    read.catch(() => undefined);
    return { read, stored };
  }

  /**
   * Where batches come from, chosen once: the log's encoded ranges when the store decodes their format itself
   * (this thread then never decodes), else events decoded here.
   */
  const encoded =
    readsEncoded(eventLog) && store.ingestEncoded && (store.encodedReadFormats ?? []).includes(eventLog.encodedReadFormat)
      ? encodedSource(eventLog, store.ingestEncoded.bind(store), sliceOf(ENCODED_READ_EVENTS))
      : undefined;
  const decoded = eventSource(eventLog, store, sliceOf(1_000));
  const startBatch = (offset: number) => (encoded ? startBatchOf(encoded, offset) : startBatchOf(decoded, offset));

  /**
   * Consumes from the committed offset. `pipelined`, over a backlog (full batches), the next batch is read
   * while the last is stored, and each batch's offset is committed in order once it is stored. A failed batch
   * ends the run before its offset is committed: the batch after it, if started, is stored but its offset
   * not committed (re-read, it counts once). Answers the sums and whether the last batch was full.
   */
  async function consumeRun(pipelined: boolean): Promise<ConsumedBatch & { full: boolean }> {
    const start = await eventLog.committedOffset(name);
    const total = { events: 0, inserted: 0, duplicates: 0, next: start, full: false };
    let batch = startBatch(start);
    for (;;) {
      let read: ReadProgress;
      let counts: Counts;
      let next: ReturnType<typeof startBatch> | undefined;
      try {
        read = await batch.read;
        total.full = read.events >= batchSize;
        if (pipelined && total.full && !stopping) next = startBatch(read.next);
        counts = await batch.stored;
      } catch (error) {
        await next?.stored.catch(() => undefined);
        throw error;
      }
      // `next` can move without events: retention dropped what the consumer had not read.
      if (read.next !== total.next) await eventLog.commitOffset(name, read.next);
      total.events += read.events;
      total.inserted += counts.inserted;
      total.duplicates += counts.duplicates;
      total.next = read.next;
      if (!next) return total;
      batch = next;
    }
  }

  /** Runs `task` after the batch or run in flight: consumeBatch, drain and the loop never overlap. */
  function afterInFlight<T extends ConsumedBatch>(task: () => Promise<T>): Promise<T> {
    const previous = inFlight ?? Promise.resolve();
    const run = previous.then(task, task);
    inFlight = run.catch(() => ({ events: 0, inserted: 0, duplicates: 0, next: 0 }));
    return run;
  }

  function consumeBatch(): Promise<ConsumedBatch> {
    return afterInFlight(async () => {
      const { full: _, ...batch } = await consumeRun(false);
      return batch;
    });
  }

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopping) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        const run = await afterInFlight(() => consumeRun(true));
        failures = 0;
        // A run ends on a partial batch: let events gather (one DuckDB transaction per trickle of a few events
        // costs more than the events).
        if (!run.full) await pause(idleMs);
      } catch (error) {
        failures += 1;
        options.log?.error({ err: error, consumer: name, failures }, 'analytics batch failed; retrying');
        await pause(Math.min(retryMs * 2 ** (failures - 1), 30_000));
      }
    }
  }

  return {
    consumeBatch,
    async drain() {
      const total: ConsumedBatch = { events: 0, inserted: 0, duplicates: 0, next: await options.eventLog.committedOffset(name) };
      for (;;) {
        const batch = await afterInFlight(() => consumeRun(true));
        if (batch.events === 0 && batch.next === total.next) return total;
        total.events += batch.events;
        total.inserted += batch.inserted;
        total.duplicates += batch.duplicates;
        total.next = batch.next;
      }
    },
    start() {
      if (running) return;
      stopping = false;
      running = loop();
    },
    async stop() {
      stopping = true;
      wake?.();
      await running;
      running = undefined;
    },
  };
}

export interface ConsumerLag {
  /** Events in the log the consumer has not consumed: from its committed offset (or the oldest kept event) to the end. */
  events: number;
  /** Age of the oldest of them, seconds (0 when there are none). */
  oldestAgeSeconds: number;
}

/**
 * How far `consumer` is behind the log: two reads of at most one event and the
 * committed offset. Retention counts: events the log forgot are not waiting.
 */
export async function measureConsumerLag(eventLog: EventLog, consumer: string, nowMs: number = Date.now()): Promise<ConsumerLag> {
  const committed = await eventLog.committedOffset(consumer);
  const [first, end] = await Promise.all([eventLog.read(committed, 1), eventLog.read(Number.MAX_SAFE_INTEGER, 1)]);
  const oldest = first.events[0];
  if (oldest === undefined) return { events: 0, oldestAgeSeconds: 0 };
  // `read` starts at the oldest kept event when the committed one was dropped: that is where the waiting ones begin.
  const firstWaiting = first.next - first.events.length;
  return { events: Math.max(0, end.next - firstWaiting), oldestAgeSeconds: Math.max(0, (nowMs - oldest.at) / 1000) };
}

/**
 * `adplatform_events_consumer_lag{consumer}` (events waiting) and
 * `adplatform_events_consumer_oldest_age_seconds{consumer}`, measured on
 * scrape: no timer. Both gauges share one measurement per scrape. A failed
 * measurement (a closed log) leaves the series out rather than failing /metrics.
 * One consumer per registry: a second registration throws (prom-client refuses the name).
 */
export function registerConsumerLagMetrics(
  registry: Registry,
  options: { eventLog: EventLog; consumer?: string; now?: () => number },
): void {
  const consumer = options.consumer ?? 'analytics';
  const now = options.now ?? Date.now;
  let pending: Promise<ConsumerLag | undefined> | undefined;
  const sample = () => {
    pending ??= measureConsumerLag(options.eventLog, consumer, now())
      .catch(() => undefined)
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  const gauge = (name: string, help: string, pick: (lag: ConsumerLag) => number) => {
    new Gauge({
      name,
      help,
      labelNames: ['consumer'] as const,
      registers: [registry],
      async collect() {
        const lag = await sample();
        if (lag === undefined) this.reset();
        else this.set({ consumer }, pick(lag));
      },
    });
  };
  gauge('adplatform_events_consumer_lag', 'Events in the event log the consumer has not consumed yet', (lag) => lag.events);
  gauge(
    'adplatform_events_consumer_oldest_age_seconds',
    'Age of the oldest event the consumer has not consumed yet, seconds (0 when caught up)',
    (lag) => lag.oldestAgeSeconds,
  );
}
