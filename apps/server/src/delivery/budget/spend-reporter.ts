import type { CounterStore } from '@adplatform/ports';

export interface SpendReporterOptions {
  counters: CounterStore;
  /** Called with a failed flush's error; the amounts stay queued for the next flush. */
  onError?: (error: unknown) => void;
}

/**
 * Batches tracked spend for the counter store: `recordSpend` is synchronous
 * and adds to a local sum per key; `flush` (the allowance manager's tick,
 * every ~250 ms, and close) sends the sums in one `addSpend` call. A failed
 * flush keeps the amounts queued; if the store had applied part of it, spend
 * is counted twice, which only errs towards delivering less.
 */
export class SpendReporter {
  private pending = new Map<string, bigint>();
  private inFlight = new Map<string, bigint>();
  private readonly reported = new Map<string, bigint>();
  private flushing: Promise<void> | null = null;

  constructor(private readonly options: SpendReporterOptions) {}

  /** Adds spend (micros ≥ 0) of an impression or click to a budget key. */
  recordSpend(key: string, micros: bigint): void {
    if (micros <= 0n) return;
    this.pending.set(key, (this.pending.get(key) ?? 0n) + micros);
  }

  /** Spend recorded here that the store may not count yet (queued or being sent). */
  unflushedMicros(key: string): bigint {
    return (this.pending.get(key) ?? 0n) + (this.inFlight.get(key) ?? 0n);
  }

  /** Spend this reporter has handed to the store since it started (grows only). */
  reportedMicros(key: string): bigint {
    return this.reported.get(key) ?? 0n;
  }

  /** Sends what is queued; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async send(): Promise<void> {
    if (this.pending.size === 0) return;
    this.inFlight = this.pending;
    this.pending = new Map();
    try {
      await this.options.counters.addSpend([...this.inFlight].map(([key, micros]) => ({ key, micros })));
      for (const [key, micros] of this.inFlight) this.reported.set(key, this.reportedMicros(key) + micros);
    } catch (error) {
      for (const [key, micros] of this.inFlight) this.recordSpend(key, micros);
      this.options.onError?.(error);
    } finally {
      this.inFlight = new Map();
    }
  }
}
