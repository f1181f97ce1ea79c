import type { DeliveryEvent, EventLog } from '@adplatform/ports';

/**
 * The auction log's writer: events gathered for up to `flushMs` (or `maxEvents`) and appended in one
 * call, so a busy exchange pays the event log's per-append cost (an fsync for the durable log) once per
 * batch instead of once per auction. Nobody waits on these events, so a crash loses at most one batch of
 * auction log (never a tracking event). `close` flushes what is left.
 */
export class AuctionLog {
  private batch: DeliveryEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = Promise.resolve();

  constructor(
    private readonly eventLog: EventLog,
    private readonly options: { flushMs?: number; maxEvents?: number; log?: { error(obj: unknown, msg: string): void } | undefined } = {},
  ) {}

  add(events: readonly DeliveryEvent[]): void {
    for (const event of events) this.batch.push(event);
    if (this.batch.length >= (this.options.maxEvents ?? 1_000)) this.flush();
    else if (this.timer === undefined && this.batch.length > 0) {
      this.timer = setTimeout(() => this.flush(), this.options.flushMs ?? 50);
      this.timer.unref?.();
    }
  }

  /** Appends the gathered events now; resolves when every append so far has settled. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.batch;
    this.batch = [];
    if (events.length > 0) {
      this.inFlight = this.inFlight
        .then(() => this.eventLog.append(events))
        .catch((err: unknown) => this.options.log?.error({ err, events: events.length }, 'auction events not logged'));
    }
    return this.inFlight;
  }
}
