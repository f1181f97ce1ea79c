/**
 * A token bucket for a partner's QPS cap: `ratePerSecond` tokens a second, at
 * most `capacity` saved (one second's worth by default), so a partner sees at
 * most `capacity` requests in a burst and `ratePerSecond` sustained. Time comes
 * from the caller (epoch ms), so tests drive it without sleeping.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private ratePerSecond: number,
    nowMs: number,
    private capacity = ratePerSecond,
  ) {
    this.tokens = capacity;
    this.lastMs = nowMs;
  }

  /** Takes one token if there is one. */
  tryTake(nowMs: number): boolean {
    const elapsedMs = Math.max(0, nowMs - this.lastMs);
    this.lastMs = Math.max(this.lastMs, nowMs);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** A partner's limit changed in the management API: keep the saved tokens, within the new capacity. */
  setRate(ratePerSecond: number): void {
    if (ratePerSecond === this.ratePerSecond) return;
    this.ratePerSecond = ratePerSecond;
    this.capacity = ratePerSecond;
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  get rate(): number {
    return this.ratePerSecond;
  }
}
