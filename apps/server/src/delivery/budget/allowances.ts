import type { Clock } from '@adplatform/domain';
import type { CounterStore } from '@adplatform/ports';
import { SpendReporter } from './spend-reporter.js';

/** A budget a decision spends from: its counter key and its limit. */
export interface BudgetKey {
  readonly key: string;
  readonly limitMicros: bigint;
}

export interface AllowanceManagerOptions {
  counters: CounterStore;
  clock: Clock;
  /** Micros asked per lease for a budget of this limit (default: a 32nd of it, at least 0.10 in micros, at most the limit). */
  chunkMicros?: (limitMicros: bigint) => bigint;
  /** Lease lifetime in the store (default 60 s). */
  leaseTtlMs?: number;
  /**
   * A lease is not spent from in its last `graceMs` (default 10 s): the time a
   * decision's impression has to reach the store while its lease still
   * reserves it. Also covers clock skew between processes.
   */
  graceMs?: number;
  /** A new lease is asked this long before the usable ones run out of time (default 15 s). */
  renewAheadMs?: number;
  /** Wait after a short or failed lease before asking the store again (default 1 s). */
  retryMs?: number;
  /** A key not asked about for this long is dropped and its leases released (default 5 min). */
  idleMs?: number;
  /** Period of the background tick: spend flush, renewals, releases (default 250 ms). */
  tickMs?: number;
  onError?: (error: unknown) => void;
}

interface HeldLease {
  leaseId: string;
  grantedMicros: bigint;
  usedMicros: bigint;
  expiresAtMs: number;
}

interface KeyState {
  key: string;
  limitMicros: bigint;
  leases: HeldLease[];
  refilling: boolean;
  retryAtMs: number;
  lastSeenMs: number;
}

const MIN_CHUNK_MICROS = 100_000n;

export function defaultChunkMicros(limitMicros: bigint): bigint {
  const chunk = limitMicros / 32n;
  if (chunk >= MIN_CHUNK_MICROS) return chunk;
  return limitMicros < MIN_CHUNK_MICROS ? limitMicros : MIN_CHUNK_MICROS;
}

/**
 * One process's local budget allowances (docs/pacing-and-budgets.md). The hot
 * path (`hasAllowance`, `consume`) is synchronous and reads local numbers
 * only; leases are taken from the counter store in the background whenever a
 * key runs low, is about to lapse, or is seen for the first time — until that
 * first lease arrives the key has no allowance (a decision skips the line
 * item rather than risk overspend). Spend is reported through `recordSpend`.
 */
export class AllowanceManager {
  readonly spend: SpendReporter;
  private readonly keys = new Map<string, KeyState>();
  private readonly pending = new Set<Promise<void>>();
  private readonly chunkOf: (limitMicros: bigint) => bigint;
  private readonly leaseTtlMs: number;
  private readonly graceMs: number;
  private readonly renewAheadMs: number;
  private readonly retryMs: number;
  private readonly idleMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(private readonly options: AllowanceManagerOptions) {
    this.chunkOf = options.chunkMicros ?? defaultChunkMicros;
    this.leaseTtlMs = options.leaseTtlMs ?? 60_000;
    this.graceMs = options.graceMs ?? 10_000;
    this.renewAheadMs = options.renewAheadMs ?? 15_000;
    this.retryMs = options.retryMs ?? 1_000;
    this.idleMs = options.idleMs ?? 300_000;
    if (this.graceMs >= this.leaseTtlMs) throw new RangeError('graceMs must be shorter than leaseTtlMs');
    this.spend = new SpendReporter({ counters: options.counters, ...(options.onError ? { onError: options.onError } : {}) });
  }

  /** Starts the background tick (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 250);
    this.timer.unref();
  }

  /** Whether every budget has `costMicros` of local allowance at `nowMs` (default: the clock). Synchronous; starts refills where low. */
  hasAllowance(budgetKeys: readonly BudgetKey[], costMicros: bigint, nowMs: number = this.nowMs()): boolean {
    let enough = true;
    for (const budget of budgetKeys) {
      const usable = this.usableMicros(this.stateOf(budget, nowMs), nowMs);
      // Go on after a miss, so every key of the decision starts its refill now.
      if (usable <= 0n || usable < costMicros) enough = false;
    }
    return enough;
  }

  /** Takes `costMicros` from every budget's allowance at `nowMs` (default: the clock), all or none; false when one lacks it. Synchronous. */
  consume(budgetKeys: readonly BudgetKey[], costMicros: bigint, nowMs: number = this.nowMs()): boolean {
    if (!this.hasAllowance(budgetKeys, costMicros, nowMs)) return false;
    for (const budget of budgetKeys) {
      const state = this.keys.get(budget.key) as KeyState;
      let left = costMicros;
      for (const lease of state.leases) {
        if (left === 0n) break;
        if (!this.isUsable(lease, nowMs)) continue;
        let take = lease.grantedMicros - lease.usedMicros;
        if (left < take) take = left;
        lease.usedMicros += take;
        left -= take;
      }
      this.maybeRefill(state, nowMs);
    }
    return true;
  }

  /** Asks for leases of these budgets ahead of their first decision (e.g. when the index is built). */
  warm(budgetKeys: readonly BudgetKey[]): void {
    const nowMs = this.nowMs();
    for (const budget of budgetKeys) this.stateOf(budget, nowMs);
  }

  /** Reports tracked spend of an impression or click; sent to the store in the background. */
  recordSpend(key: string, micros: bigint): void {
    this.spend.recordSpend(key, micros);
  }

  /** Local allowance of a key now (for metrics and tests). */
  allowanceMicros(key: string): bigint {
    const state = this.keys.get(key);
    return state ? this.usableMicros(state, this.nowMs()) : 0n;
  }

  /** One background round: flush spend, give back leases past their use, drop idle keys, renew. */
  async tick(): Promise<void> {
    const nowMs = this.nowMs();
    for (const state of [...this.keys.values()]) {
      // Most keys hold only usable leases: only a key with a spent or lapsing one gets a new list.
      if (!this.allUsable(state.leases, nowMs)) {
        const usable = state.leases.filter((lease) => this.isUsable(lease, nowMs));
        for (const lease of state.leases) if (!usable.includes(lease)) this.giveBack(state.key, lease);
        state.leases = usable;
      }
      if (nowMs - state.lastSeenMs >= this.idleMs && !state.refilling) {
        for (const lease of state.leases) this.giveBack(state.key, lease);
        this.keys.delete(state.key);
      } else {
        this.maybeRefill(state, nowMs);
      }
    }
    await this.spend.flush();
  }

  /** Waits for every lease, release and spend flush under way (tests, close). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.spend.flush();
  }

  /** Stops the tick, flushes spend and gives back every lease's unused part. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.settle();
    for (const state of this.keys.values()) for (const lease of state.leases) this.giveBack(state.key, lease);
    this.keys.clear();
    await this.settle();
  }

  private nowMs(): number {
    return this.options.clock.now().getTime();
  }

  private stateOf(budget: BudgetKey, nowMs: number): KeyState {
    let state = this.keys.get(budget.key);
    if (!state) {
      state = { key: budget.key, limitMicros: budget.limitMicros, leases: [], refilling: false, retryAtMs: 0, lastSeenMs: nowMs };
      this.keys.set(budget.key, state);
    }
    state.limitMicros = budget.limitMicros;
    state.lastSeenMs = nowMs;
    this.maybeRefill(state, nowMs);
    return state;
  }

  private isUsable(lease: HeldLease, atMs: number): boolean {
    return atMs < lease.expiresAtMs - this.graceMs && lease.usedMicros < lease.grantedMicros;
  }

  private allUsable(leases: readonly HeldLease[], atMs: number): boolean {
    for (let i = 0; i < leases.length; i++) if (!this.isUsable(leases[i]!, atMs)) return false;
    return true;
  }

  private usableMicros(state: KeyState, atMs: number): bigint {
    let usable = 0n;
    for (const lease of state.leases) if (this.isUsable(lease, atMs)) usable += lease.grantedMicros - lease.usedMicros;
    return usable;
  }

  private maybeRefill(state: KeyState, nowMs: number): void {
    if (state.refilling || this.closed || nowMs < state.retryAtMs) return;
    const chunk = this.chunkOf(state.limitMicros);
    if (chunk <= 0n || this.usableMicros(state, nowMs + this.renewAheadMs) > chunk / 4n) return;
    state.refilling = true;
    this.track(
      this.refill(state, chunk, nowMs).finally(() => {
        state.refilling = false;
      }),
    );
  }

  private async refill(state: KeyState, chunk: bigint, nowMs: number): Promise<void> {
    const { counters } = this.options;
    try {
      const lease = await counters.lease(state.key, { limitMicros: state.limitMicros, wantMicros: chunk, ttlMs: this.leaseTtlMs, nowMs });
      // Short of what was asked: the budget is nearly used up, so do not ask again at once.
      if (lease.grantedMicros < chunk) state.retryAtMs = nowMs + this.retryMs;
      if (lease.grantedMicros === 0n) return;
      if (this.closed || this.keys.get(state.key) !== state) await counters.release(state.key, lease.leaseId);
      else state.leases.push({ ...lease, usedMicros: 0n });
    } catch (error) {
      state.retryAtMs = nowMs + this.retryMs;
      this.options.onError?.(error);
    }
  }

  /**
   * Releases a lease's unused part; the used part stays reserved until the
   * lease's expiry, for impressions still on their way.
   */
  private giveBack(key: string, lease: HeldLease): void {
    if (lease.usedMicros < lease.grantedMicros) {
      this.track(this.options.counters.release(key, lease.leaseId, lease.usedMicros).catch((error) => this.options.onError?.(error)));
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}
