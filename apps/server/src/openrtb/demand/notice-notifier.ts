import type { OutboundClient } from './outbound-client.js';

/**
 * Fires win (nurl), loss (lurl) and billing (burl) notices: GET requests
 * through the exchange's outbound client (same pool, same SSRF guard), each
 * with a timeout, at most `concurrency` in flight and `maxQueue` waiting (past
 * that a notice is dropped and counted: notices never hold up an auction or
 * grow memory without bound). Fire-and-forget: no retry.
 *
 * Billing is idempotent per bid id: `bill` fires a bid's burl once, however
 * often it is asked. The ids already billed are remembered in a BillingLedger:
 * by default an in-process LRU of the last `billingMemory` ids (100,000), so a
 * repeat is caught while the bid is among the last 100,000 billed by this
 * process (not across restarts or processes: a shared ledger can be injected).
 */
export interface BillingLedger {
  /** True the first time a bid id is claimed; false on every later claim. */
  claim(bidId: string): boolean;
}

export interface NoticeNotifierOptions {
  client: OutboundClient;
  /** Per notice. Default 1,000 ms. */
  timeoutMs?: number;
  /** Notices in flight at once. Default 16. */
  concurrency?: number;
  /** Notices waiting for a slot; past that they are dropped. Default 10,000. */
  maxQueue?: number;
  /** Size of the default in-process billing LRU. Default 100,000. */
  billingMemory?: number;
  ledger?: BillingLedger;
}

export interface NoticeStats {
  sent: number;
  failed: number;
  dropped: number;
  /** Billing notices asked again for an already billed bid id, and not fired. */
  duplicateBilling: number;
}

export interface NoticeNotifier {
  /** Queues a GET of the (already substituted) URL; false when the queue was full and it was dropped. */
  notify(url: string): boolean;
  /** Fires the bid's billing notice the first time it is asked for this bid id; false on repeats (and drops). */
  bill(bidId: string, url: string): boolean;
  stats(): NoticeStats;
  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void>;
}

export function createLruLedger(capacity: number): BillingLedger {
  const seen = new Map<string, true>();
  return {
    claim(bidId) {
      if (seen.has(bidId)) {
        seen.delete(bidId); // refresh: a bid asked for again stays remembered
        seen.set(bidId, true);
        return false;
      }
      seen.set(bidId, true);
      if (seen.size > capacity) seen.delete(seen.keys().next().value as string);
      return true;
    },
  };
}

export function createNoticeNotifier(options: NoticeNotifierOptions): NoticeNotifier {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const concurrency = options.concurrency ?? 16;
  const maxQueue = options.maxQueue ?? 10_000;
  const ledger = options.ledger ?? createLruLedger(options.billingMemory ?? 100_000);
  const queue: string[] = [];
  const stats: NoticeStats = { sent: 0, failed: 0, dropped: 0, duplicateBilling: 0 };
  let inFlight = 0;
  let waiters: Array<() => void> = [];

  const settleIdle = () => {
    if (inFlight > 0 || queue.length > 0) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const pump = () => {
    while (inFlight < concurrency && queue.length > 0) {
      const url = queue.shift()!;
      inFlight++;
      options.client
        .request({ method: 'GET', url, signal: AbortSignal.timeout(timeoutMs) })
        .then(
          (response) => {
            if (response.status >= 200 && response.status < 400) stats.sent++;
            else stats.failed++;
          },
          () => {
            stats.failed++;
          },
        )
        .finally(() => {
          inFlight--;
          pump();
          settleIdle();
        });
    }
  };

  const notify = (url: string): boolean => {
    if (queue.length >= maxQueue) {
      stats.dropped++;
      return false;
    }
    queue.push(url);
    pump();
    return true;
  };

  return {
    notify,
    bill(bidId, url) {
      if (!ledger.claim(bidId)) {
        stats.duplicateBilling++;
        return false;
      }
      return notify(url);
    },
    stats: () => ({ ...stats }),
    idle() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settleIdle();
      });
    },
  };
}
