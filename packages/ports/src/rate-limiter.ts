/**
 * The counters port for request throttling: a token bucket per key.
 *
 * `take` removes `cost` tokens when that many are available and reports how long
 * until they would be; `peek` answers the same question without taking.
 * Buckets start full. Implementations must be safe under concurrent calls for
 * the same key (in process: trivially; Redis: one atomic script).
 */
export interface RateLimiter {
  take(key: string, cost?: number): RateDecision;
  peek(key: string, cost?: number): RateDecision;
}

export interface RateDecision {
  allowed: boolean;
  /** Tokens left after this call (floored). */
  remaining: number;
  /** 0 when allowed; otherwise how long until `cost` tokens are available. */
  retryAfterMs: number;
}

export interface TokenBucketOptions {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: the largest burst. */
  burst: number;
}
