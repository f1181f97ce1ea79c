/**
 * A circuit breaker per demand partner. Closed: every call goes through.
 * It opens after `consecutiveFailures` failures in a row, or when, over the
 * last `windowMs`, at least `minCallsInWindow` calls were made and the share
 * of failures reached `failureRate`. Open: no call for `cooldownMs`; then
 * half-open: exactly one probe call goes through (others are refused while it
 * is in flight). A probe that succeeds closes the breaker (counts reset); one
 * that fails opens it again for another cool-down. A failure is a timeout, a
 * connection error, a 5xx or an unreadable response; a no-bid is a success.
 */
export interface BreakerOptions {
  consecutiveFailures: number;
  failureRate: number;
  minCallsInWindow: number;
  windowMs: number;
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  consecutiveFailures: 5,
  failureRate: 0.5,
  minCallsInWindow: 20,
  windowMs: 10_000,
  cooldownMs: 5_000,
};

export type BreakerState = 'closed' | 'open' | 'half-open';
/** `call`: go ahead; `probe`: go ahead as the half-open probe (report its outcome); `refuse`: do not call. */
export type BreakerVerdict = 'call' | 'probe' | 'refuse';

const BUCKETS = 10;

export class CircuitBreaker {
  private stateValue: BreakerState = 'closed';
  private consecutive = 0;
  private openedAtMs = 0;
  private probeInFlight = false;
  /** Per time bucket of windowMs / 10: [bucket index, calls, failures]. */
  private buckets: Array<[number, number, number]> = [];

  constructor(private readonly options: BreakerOptions = DEFAULT_BREAKER) {}

  get state(): BreakerState {
    return this.stateValue;
  }

  allow(nowMs: number): BreakerVerdict {
    if (this.stateValue === 'closed') return 'call';
    if (this.stateValue === 'open') {
      if (nowMs - this.openedAtMs < this.options.cooldownMs) return 'refuse';
      this.stateValue = 'half-open';
    }
    if (this.probeInFlight) return 'refuse';
    this.probeInFlight = true;
    return 'probe';
  }

  /** The probe granted by `allow` was not made after all (e.g. the QPS cap refused it). */
  cancelProbe(): void {
    this.probeInFlight = false;
  }

  record(success: boolean, nowMs: number, wasProbe: boolean): void {
    if (wasProbe) {
      this.probeInFlight = false;
      if (success) this.close();
      else this.open(nowMs);
      return;
    }
    // A call started while closed that ends after the breaker opened changes nothing.
    if (this.stateValue !== 'closed') return;
    this.count(success, nowMs);
    this.consecutive = success ? 0 : this.consecutive + 1;
    if (!success && (this.consecutive >= this.options.consecutiveFailures || this.rateTripped(nowMs))) this.open(nowMs);
  }

  private open(nowMs: number): void {
    this.stateValue = 'open';
    this.openedAtMs = nowMs;
  }

  private close(): void {
    this.stateValue = 'closed';
    this.consecutive = 0;
    this.buckets = [];
  }

  private count(success: boolean, nowMs: number): void {
    const index = Math.floor(nowMs / (this.options.windowMs / BUCKETS));
    const last = this.buckets.at(-1);
    if (last && last[0] === index) {
      last[1]++;
      if (!success) last[2]++;
    } else {
      this.buckets.push([index, 1, success ? 0 : 1]);
    }
    while (this.buckets.length > 0 && this.buckets[0]![0] <= index - BUCKETS) this.buckets.shift();
  }

  private rateTripped(nowMs: number): boolean {
    const oldest = Math.floor(nowMs / (this.options.windowMs / BUCKETS)) - BUCKETS;
    let calls = 0;
    let failures = 0;
    for (const [index, c, f] of this.buckets) {
      if (index <= oldest) continue;
      calls += c;
      failures += f;
    }
    return calls >= this.options.minCallsInWindow && failures / calls >= this.options.failureRate;
  }
}
