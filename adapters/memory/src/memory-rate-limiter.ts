import type { Clock } from '@adplatform/domain';
import type { RateDecision, RateLimiter, TokenBucketOptions } from '@adplatform/ports';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * In-process token buckets. Memory is bounded: once `maxKeys` buckets exist,
 * buckets that have refilled completely (and so carry no state) are dropped,
 * and if none has, the oldest are.
 */
export function createMemoryRateLimiter(
  options: TokenBucketOptions & { clock: Clock; maxKeys?: number },
): RateLimiter & { size(): number } {
  const { perSecond, burst, clock } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();
  const fullAfterMs = (burst / perSecond) * 1000;

  const refill = (key: string, nowMs: number): Bucket => {
    const bucket = buckets.get(key);
    if (!bucket) return { tokens: burst, updatedMs: nowMs };
    const elapsedSeconds = Math.max(0, nowMs - bucket.updatedMs) / 1000;
    return { tokens: Math.min(burst, bucket.tokens + elapsedSeconds * perSecond), updatedMs: nowMs };
  };

  const decide = (bucket: Bucket, cost: number): RateDecision => {
    if (bucket.tokens >= cost) return { allowed: true, remaining: Math.floor(bucket.tokens - cost), retryAfterMs: 0 };
    return { allowed: false, remaining: Math.floor(bucket.tokens), retryAfterMs: Math.ceil(((cost - bucket.tokens) / perSecond) * 1000) };
  };

  const prune = (nowMs: number): void => {
    for (const [key, bucket] of buckets) {
      if (nowMs - bucket.updatedMs >= fullAfterMs) buckets.delete(key);
    }
    // Still full of active keys: drop the oldest entries (Map keeps insertion order).
    const excess = buckets.size - Math.floor(maxKeys * 0.9);
    if (excess > 0) {
      let dropped = 0;
      for (const key of buckets.keys()) {
        if (dropped++ >= excess) break;
        buckets.delete(key);
      }
    }
  };

  return {
    take(key, cost = 1) {
      const nowMs = clock.now().getTime();
      const bucket = refill(key, nowMs);
      const decision = decide(bucket, cost);
      if (decision.allowed) bucket.tokens -= cost;
      if (!buckets.has(key) && buckets.size >= maxKeys) prune(nowMs);
      buckets.delete(key); // re-insert so iteration order tracks recency
      buckets.set(key, bucket);
      return decision;
    },
    peek(key, cost = 1) {
      return decide(refill(key, clock.now().getTime()), cost);
    },
    size: () => buckets.size,
  };
}
