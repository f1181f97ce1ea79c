import type { AnalyticsStore, EventLog } from '@adplatform/ports';

export interface AnalyticsConsumerOptions {
  eventLog: EventLog;
  store: AnalyticsStore;
  /** The consumer's name in the log's offsets; default `analytics`. */
  consumer?: string;
  /** Events read and ingested per batch; default 50,000. */
  batchSize?: number;
  /** Wait after a batch that was not full (caught up, or nearly) before reading again, ms; default 250. */
  idleMs?: number;
  /** Wait after a failed batch, ms, doubled per failure up to 30 s; default 1,000. */
  retryMs?: number;
  log?: { error(obj: object, msg: string): void };
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
  /** Stops after the batch in flight (whose offset is then committed). */
  stop(): Promise<void>;
}

/**
 * Feeds analytics from the event log: read a batch from the consumer's
 * committed offset, ingest it, and only then commit the offset after it. A
 * crash between ingest and commit re-reads the batch after a restart, and the
 * store's dedupe by event id makes that second ingest change nothing: at least
 * once in, exactly once in effect. Batches run one at a time.
 */
export function createAnalyticsConsumer(options: AnalyticsConsumerOptions): AnalyticsConsumer {
  const name = options.consumer ?? 'analytics';
  const batchSize = options.batchSize ?? 50_000;
  const idleMs = options.idleMs ?? 250;
  const retryMs = options.retryMs ?? 1_000;
  let running: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  let inFlight: Promise<ConsumedBatch> | undefined;

  async function consumeOne(): Promise<ConsumedBatch> {
    const offset = await options.eventLog.committedOffset(name);
    const { events, next } = await options.eventLog.read(offset, batchSize);
    const counts = events.length > 0 ? await options.store.ingest(events) : { inserted: 0, duplicates: 0 };
    // `next` can move without events: retention dropped what the consumer had not read.
    if (next !== offset) await options.eventLog.commitOffset(name, next);
    return { events: events.length, ...counts, next };
  }

  function consumeBatch(): Promise<ConsumedBatch> {
    const previous = inFlight ?? Promise.resolve();
    const batch = previous.then(consumeOne, consumeOne);
    inFlight = batch.catch(() => ({ events: 0, inserted: 0, duplicates: 0, next: 0 }));
    return batch;
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
        const batch = await consumeBatch();
        failures = 0;
        // Only a full batch means a backlog: after a partial one, let events gather (one DuckDB transaction
        // per trickle of a few events costs more than the events).
        if (batch.events < batchSize) await pause(idleMs);
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
        const batch = await consumeBatch();
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
