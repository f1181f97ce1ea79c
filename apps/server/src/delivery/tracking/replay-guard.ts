/**
 * Remembers which (decision id, event type) pairs were already counted, each
 * until its token expires, so a replayed URL counts once per process.
 *
 * Memory is bounded by `maxEntries` (default 500,000; measured 60–100 bytes
 * an entry, so under 50 MB at the bound). Past the bound the oldest remembered pair is
 * forgotten first, and a replay of it would count again here; the event id is
 * derived from the same pair (trackingEventId), so analytics still drops the
 * duplicate — as it does for replays that reach another node of a cluster.
 */
export interface ReplayGuard {
  /**
   * True the first time `key` is seen (it is then remembered until
   * `expiresAtMs`); false while it is remembered. Synchronous, so concurrent
   * requests with the same key cannot both pass.
   */
  claim(key: string, expiresAtMs: number, nowMs: number): boolean;
  /** Forgets a claim whose event could not be recorded, so a retry may count. */
  release(key: string): void;
  readonly size: number;
}

export function createReplayGuard(options: { maxEntries?: number } = {}): ReplayGuard {
  const maxEntries = options.maxEntries ?? 500_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  // Insertion order ≈ decision time order, so the head is the next to expire.
  const expiries = new Map<string, number>();

  const sweep = (nowMs: number) => {
    // A couple of expired heads per claim keeps the map trimmed without a timer.
    for (let i = 0; i < 2; i++) {
      const head = expiries.entries().next();
      if (head.done || head.value[1] > nowMs) return;
      expiries.delete(head.value[0]);
    }
  };

  return {
    claim(key, expiresAtMs, nowMs) {
      const known = expiries.get(key);
      if (known !== undefined && known > nowMs) return false;
      expiries.delete(key);
      expiries.set(key, expiresAtMs);
      sweep(nowMs);
      if (expiries.size > maxEntries) expiries.delete(expiries.keys().next().value as string);
      return true;
    },
    release(key) {
      expiries.delete(key);
    },
    get size() {
      return expiries.size;
    },
  };
}
