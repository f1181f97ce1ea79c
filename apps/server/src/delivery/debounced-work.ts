/**
 * Keyed work gathered while changes arrive and run in batches: a burst of
 * changes costs one batch after `debounceMs` of quiet, batches and queued
 * jobs run one at a time in order, `settle` waits for everything seen so
 * far, and `close` drops what has not started and waits for what has.
 */
export class DebouncedWork<K, V> {
  private readonly pending = new Map<K, V>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly options: {
      debounceMs: number;
      /** Runs one batch: each key once, with the value it gathered. */
      run: (key: K, value: V) => Promise<void>;
    },
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** The pending value of a key (created when absent), to add to; schedules its batch. */
  upsert(key: K, create: () => V): V {
    let value = this.pending.get(key);
    if (value === undefined) {
      value = create();
      this.pending.set(key, value);
    }
    if (!this.closed) this.timer ??= setTimeout(() => this.flush(), this.options.debounceMs);
    return value;
  }

  /** Runs `job` after every batch and job queued before it. */
  enqueue(job: () => Promise<void>): Promise<void> {
    this.running = this.running.then(job);
    return this.running;
  }

  /** Resolves once every change seen so far has run. */
  async settle(): Promise<void> {
    while (this.pending.size > 0 || this.timer !== undefined) {
      this.flush();
      await this.running;
    }
    await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    await this.running;
  }

  private flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    this.running = this.running.then(async () => {
      for (const [key, value] of batch) if (!this.closed) await this.options.run(key, value);
    });
  }
}
