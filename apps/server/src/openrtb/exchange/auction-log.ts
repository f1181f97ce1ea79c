import type { DeliveryEvent, EventLog } from '@adplatform/ports';

/**
 * The auction log's writer: the events of one turn of the event loop (or `maxEvents` of them, whichever
 * comes first) are appended in one call. The log batches further on its own (the durable log shares one
 * write and fsync among the appends that arrive while a write is under way), so holding events here any
 * longer would only keep them alive across young-generation collections: a batch held for tens of ms is
 * copied by a scavenge and, held across two, promoted to the old generation, where only a full collection
 * frees it. Nobody waits on these events, so a crash loses at most one batch of auction log (never a
 * tracking event). `flush` (at close) appends what is left.
 */
export class AuctionLog {
  private batch: DeliveryEvent[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private inFlight = Promise.resolve();
  private readonly maxEvents: number;

  constructor(
    private readonly eventLog: EventLog,
    private readonly options: { maxEvents?: number; log?: { error(obj: unknown, msg: string): void } | undefined } = {},
  ) {
    this.maxEvents = options.maxEvents ?? 64;
  }

  add(events: readonly DeliveryEvent[]): void {
    for (const event of events) this.batch.push(event);
    if (this.batch.length >= this.maxEvents) this.flush();
    else if (this.scheduled === undefined && this.batch.length > 0) {
      this.scheduled = setImmediate(() => this.flush());
      this.scheduled.unref?.();
    }
  }

  /** Appends the gathered events now; resolves when every append so far has settled. */
  flush(): Promise<void> {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const events = this.batch;
    if (events.length > 0) {
      this.batch = [];
      // Handed over at once (the log keeps the order of its appends); chained only so `flush` can wait for all of them.
      const appended = this.eventLog
        .append(events, { background: true })
        .catch((err: unknown) => this.options.log?.error({ err, events: events.length }, 'auction events not logged'));
      this.inFlight = this.inFlight.then(() => appended);
    }
    return this.inFlight;
  }
}
