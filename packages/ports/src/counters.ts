/**
 * The counters port: frequency-cap impressions per user key, and budget spend
 * with leased allowances (ARCHITECTURE.md, "The hot path does no I/O";
 * docs/adr/0009-counters-and-allowances.md).
 *
 * Delivery never awaits these on the way to choosing an ad except for one
 * read of the request's user (`frequencyOf`), which the embedded adapter
 * answers from memory and Redis in one round trip. Spend and leases are read
 * and written in the background by the allowance manager.
 *
 * Amounts are integer micros as bigint. Keys are opaque strings chosen by the
 * caller (`li:<id>:total`, `c:<id>:day:2026-11-27`); implementations must be
 * safe under concurrent callers from many processes (Redis: atomic scripts).
 */
export interface CounterStore {
  readonly kind: 'memory' | 'redis';
  /**
   * Records one impression of each scope (line item or campaign id) for the
   * user key at `atMs`. Once the promise resolves, `frequencyOf` counts it
   * (the memory adapter counts it before returning the promise).
   */
  recordImpression(userKey: string, scopeIds: readonly string[], atMs: number): Promise<void>;
  /**
   * The user key's whole impression record, read once (Redis: one round trip);
   * its `count` then answers any scope and window without I/O. The record
   * belongs to the caller; the memory adapter's is a live view (it may count
   * impressions recorded after the read), Redis's a snapshot.
   */
  frequencyOf(userKey: string, nowMs: number): Promise<FrequencyRecord>;
  /** Adds tracked spend (impressions, clicks) to budget keys; micros ≥ 0n. */
  addSpend(entries: readonly SpendEntry[]): Promise<void>;
  /** Spend recorded so far per key (0n when unknown), in the order asked. */
  spent(keys: readonly string[]): Promise<bigint[]>;
  /**
   * Atomically grants up to `wantMicros` of what is left under `limitMicros`
   * after the recorded spend and every other live lease of the key; the grant
   * lapses at `nowMs + ttlMs` (live while expiresAtMs > now) unless released
   * first. Granted 0n: the budget is used up (no lease is kept).
   */
  lease(key: string, request: LeaseRequest): Promise<Lease>;
  /**
   * Shrinks a lease to `keepMicros` (default 0n: ends it). What is kept still
   * counts against the key until the lease's expiry — for allowance that was
   * used by decisions whose spend has not arrived yet. Unknown or lapsed
   * leases are ignored; a lease never grows.
   */
  release(key: string, leaseId: string, keepMicros?: bigint): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Impression counts of one user key. `count(scopeId, windowMs)` is how many
 * impressions of the scope fall in `(nowMs - windowMs, nowMs]` (windowMs null:
 * ever), never fewer than really happened; it may also count the impressions
 * of the one bucket straddling the window's start (see `FREQUENCY_RESOLUTIONS`).
 */
export interface FrequencyRecord {
  count(scopeId: string, windowMs: number | null): number;
}

export interface SpendEntry {
  key: string;
  micros: bigint;
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
