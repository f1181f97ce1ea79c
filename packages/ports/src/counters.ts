/**
 * The counters port: frequency-cap impressions per user key, and budget spend
 * with leased allowances (ARCHITECTURE.md, "The hot path does no I/O").
 *
 * Delivery never awaits these on the way to choosing an ad except for one
 * read of the request's user (`frequency`), which the embedded adapter
 * answers from memory and Redis in one pipelined round trip. Spend and leases
 * are read and written in the background by the allowance manager.
 *
 * Amounts are integer micros as bigint. Keys are opaque strings chosen by the
 * caller (`li:<id>:total`, `c:<id>:day:2026-11-27`); implementations must be
 * safe under concurrent callers from many processes (Redis: atomic scripts).
 */
export interface CounterStore {
  readonly kind: 'memory' | 'redis';
  /** Records one impression of each scope (line item or campaign id) for the user key at `atMs`. */
  recordImpression(userKey: string, scopeIds: readonly string[], atMs: number): Promise<void>;
  /**
   * For each query, how many impressions the user key had of that scope in
   * `(nowMs - windowMs, nowMs]` (windowMs null: ever). Counts may include up to
   * one extra bucket of history (never fewer impressions than really happened),
   * so a cap is never exceeded; the bucket size is the adapter's to document.
   */
  frequency(userKey: string, queries: readonly FrequencyQuery[], nowMs: number): Promise<number[]>;
  /** Adds tracked spend (impressions, clicks) to budget keys. */
  addSpend(entries: readonly { key: string; micros: bigint }[]): Promise<void>;
  /** Spend recorded so far per key (0n when unknown). */
  spent(keys: readonly string[]): Promise<bigint[]>;
  /**
   * Grants up to `wantMicros` of what is left under `limitMicros` after the
   * recorded spend and every other live lease of the key; the grant lapses at
   * `nowMs + ttlMs` unless released first. Granted 0n: the budget is used up.
   */
  lease(key: string, request: LeaseRequest): Promise<Lease>;
  /** Ends a lease early; what it granted no longer counts against the key. */
  release(key: string, leaseId: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface FrequencyQuery {
  scopeId: string;
  /** null: lifetime. */
  windowMs: number | null;
}

export interface LeaseRequest {
  limitMicros: bigint;
  wantMicros: bigint;
  ttlMs: number;
  nowMs: number;
}

export interface Lease {
  leaseId: string;
  grantedMicros: bigint;
  /** Epoch ms. */
  expiresAtMs: number;
}
