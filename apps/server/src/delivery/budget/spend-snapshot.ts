import type { Clock } from '@adplatform/domain';
import type { CounterStore } from '@adplatform/ports';
import type { SpendReporter } from './spend-reporter.js';

export interface SpendSnapshotOptions {
  counters: CounterStore;
  /** This process's reporter, whose not-yet-counted spend is added to the snapshot. */
  spend: SpendReporter;
  clock: Clock;
  /** Period of the background refresh (default 1 s). */
  refreshMs?: number;
  /** Keys not asked about for this long are no longer refreshed (default 5 min). */
  idleMs?: number;
  onError?: (error: unknown) => void;
}

interface Entry {
  /** Undefined until the first refresh that included the key. */
  storedMicros: bigint | undefined;
  /** What the reporter had handed to the store when that refresh started. */
  reportedAtRefresh: bigint;
  lastAskedMs: number;
}

/**
 * Spend per budget key for pacing, answered synchronously: the store's value
 * at the last background refresh, plus what this process has reported since
 * and what it has not sent yet. Other processes' spend shows up with the next
 * refresh (so up to `refreshMs` late); spend flushed while a refresh reads may
 * be counted twice until the next one, which errs towards slowing down.
 */
export class SpendSnapshot {
  private readonly entries = new Map<string, Entry>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly options: SpendSnapshotOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs ?? 1_000);
    this.timer.unref();
  }

  /**
   * Spend of the key as this process knows it now; asking starts tracking the key (0n until its first refresh).
   * `nowMs` (default: the clock) marks when it was last asked: a decision passes its own instant, read once.
   */
  spent(key: string, nowMs: number = this.options.clock.now().getTime()): bigint {
    const entry = this.entryOf(key, nowMs);
    const { spend } = this.options;
    return (entry.storedMicros ?? 0n) + (spend.reportedMicros(key) - entry.reportedAtRefresh) + spend.unflushedMicros(key);
  }

  /** Whether the key's stored spend has been read at least once. */
  isKnown(key: string): boolean {
    return this.entryOf(key, this.options.clock.now().getTime()).storedMicros !== undefined;
  }

  /** Reads the stored spend of every key asked about recently; concurrent calls share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private entryOf(key: string, nowMs: number): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { storedMicros: undefined, reportedAtRefresh: this.options.spend.reportedMicros(key), lastAskedMs: nowMs };
      this.entries.set(key, entry);
    }
    entry.lastAskedMs = nowMs;
    return entry;
  }

  private async read(): Promise<void> {
    const nowMs = this.options.clock.now().getTime();
    const idleMs = this.options.idleMs ?? 300_000;
    for (const [key, entry] of this.entries) if (nowMs - entry.lastAskedMs >= idleMs) this.entries.delete(key);
    const keys = [...this.entries.keys()];
    if (keys.length === 0) return;
    const reported = keys.map((key) => this.options.spend.reportedMicros(key));
    try {
      const stored = await this.options.counters.spent(keys);
      keys.forEach((key, i) => {
        const entry = this.entries.get(key);
        if (entry) Object.assign(entry, { storedMicros: stored[i] ?? 0n, reportedAtRefresh: reported[i] ?? 0n });
      });
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
