import {
  type CounterStore,
  FREQUENCY_RECORD_TTL_MS,
  FrequencyTally,
  type Lease,
  type LeaseRequest,
  type SpendEntry,
} from '@adplatform/ports';

export interface MemoryCounterStoreOptions {
  /**
   * Most user keys remembered (default 250,000, roughly 0.5–2 KB each with a
   * few capped scopes). Past it the user key written least recently is
   * forgotten — its caps restart — so size it to the audience active within a
   * cap's window; `evictedUsers` counts the forgotten ones.
   */
  maxUsers?: number;
  /** A user key's record is dropped this long after its last impression (default 401 days). */
  recordTtlMs?: number;
}

interface UserRecord {
  tally: FrequencyTally;
  lastMs: number;
}

interface Budget {
  spent: bigint;
  leases: Map<string, { grantedMicros: bigint; expiresAtMs: number }>;
}

/**
 * Counters in this process: the embedded default. Every call takes effect
 * before its promise is returned, so within one process a cap read after a
 * `recordImpression` call always sees it, and `lease` calls are atomic.
 */
export function createMemoryCounterStore(
  options: MemoryCounterStoreOptions = {},
): CounterStore & { userCount(): number; evictedUsers(): number } {
  const maxUsers = options.maxUsers ?? 250_000;
  const recordTtlMs = options.recordTtlMs ?? FREQUENCY_RECORD_TTL_MS;
  // Insertion order is the order of last writes: the first entry is the least recently written.
  const users = new Map<string, UserRecord>();
  const budgets = new Map<string, Budget>();
  let evicted = 0;
  let leaseSerial = 0;

  const isExpired = (record: UserRecord, nowMs: number) => nowMs - record.lastMs >= recordTtlMs;

  const makeRoom = (nowMs: number): void => {
    for (const [userKey, record] of users) {
      if (users.size < maxUsers && !isExpired(record, nowMs)) break;
      users.delete(userKey);
      if (!isExpired(record, nowMs)) evicted++;
    }
  };

  const budgetOf = (key: string): Budget => {
    let budget = budgets.get(key);
    if (!budget) {
      budget = { spent: 0n, leases: new Map() };
      budgets.set(key, budget);
    }
    return budget;
  };

  const grantLease = (key: string, request: LeaseRequest): Lease => {
    const budget = budgetOf(key);
    let committed = budget.spent;
    for (const [leaseId, lease] of budget.leases) {
      if (lease.expiresAtMs <= request.nowMs) budget.leases.delete(leaseId);
      else committed += lease.grantedMicros;
    }
    let grantedMicros = request.limitMicros - committed;
    if (request.wantMicros < grantedMicros) grantedMicros = request.wantMicros;
    if (grantedMicros < 0n) grantedMicros = 0n;
    const lease = { leaseId: `m${++leaseSerial}`, grantedMicros, expiresAtMs: request.nowMs + request.ttlMs };
    if (grantedMicros > 0n) budget.leases.set(lease.leaseId, { grantedMicros, expiresAtMs: lease.expiresAtMs });
    return lease;
  };

  return {
    kind: 'memory',
    recordImpression(userKey, scopeIds, atMs) {
      let record = users.get(userKey);
      if (record && isExpired(record, atMs)) record = undefined;
      users.delete(userKey);
      if (!record) {
        if (users.size >= maxUsers) makeRoom(atMs);
        record = { tally: new FrequencyTally(), lastMs: atMs };
      }
      for (const scopeId of scopeIds) record.tally.add(scopeId, atMs);
      record.lastMs = Math.max(record.lastMs, atMs);
      record.tally.prune(record.lastMs);
      users.set(userKey, record);
      return Promise.resolve();
    },
    frequencyOf(userKey, nowMs) {
      // A live view: it also counts impressions recorded after this read (never fewer than the snapshot would).
      const count = (scopeId: string, windowMs: number | null) => {
        const record = users.get(userKey);
        return record && !isExpired(record, nowMs) ? record.tally.countAt(scopeId, windowMs, nowMs) : 0;
      };
      return Promise.resolve({ count });
    },
    addSpend(entries: readonly SpendEntry[]) {
      if (entries.some((entry) => entry.micros < 0n)) return Promise.reject(new RangeError('spend micros must be ≥ 0'));
      for (const entry of entries) budgetOf(entry.key).spent += entry.micros;
      return Promise.resolve();
    },
    spent(keys) {
      return Promise.resolve(keys.map((key) => budgets.get(key)?.spent ?? 0n));
    },
    lease(key, request) {
      return Promise.resolve(grantLease(key, request));
    },
    release(key, leaseId, keepMicros = 0n) {
      const leases = budgets.get(key)?.leases;
      const lease = leases?.get(leaseId);
      if (lease && keepMicros <= 0n) leases?.delete(leaseId);
      else if (lease && keepMicros < lease.grantedMicros) lease.grantedMicros = keepMicros;
      return Promise.resolve();
    },
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
    userCount: () => users.size,
    evictedUsers: () => evicted,
  };
}
