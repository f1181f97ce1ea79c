import { DELIVERY_EVENT_TYPES, type DeliveryEvent, type EventLog, type EventTally } from '@adplatform/ports';

/** One second of one organization's traffic, as `/api/v1/stats/live` sends it (docs/events.md). */
export interface LiveSecond {
  /** Epoch seconds, UTC. */
  t: number;
  requests: number;
  filled: number;
  impressions: number;
  viewables: number;
  clicks: number;
  conversions: number;
  /** filled / requests, null without requests. */
  fillRate: number | null;
  spendMicros: string;
  revenueMicros: string;
}

export const LIVE_WINDOW_SECONDS = 300;
const COUNTS = 6; // requests, filled, impressions, viewables, clicks, conversions
const COUNT_OF: Partial<Record<DeliveryEvent['type'], number>> = { impression: 2, viewable: 3, click: 4, conversion: 5 };
/** The count of each type by its index in DELIVERY_EVENT_TYPES (EventTally.byType): requests 0, COUNT_OF's, else -1. */
const COUNT_OF_TYPE = DELIVERY_EVENT_TYPES.map((type) => (type === 'request' ? 0 : (COUNT_OF[type] ?? -1)));

/** 300 one-second slots of one organization; slot `t % 300` holds second `t` when `seconds[slot] === t`. */
class OrganizationRing {
  readonly seconds = new Float64Array(LIVE_WINDOW_SECONDS).fill(-1);
  readonly counts = new Uint32Array(LIVE_WINDOW_SECONDS * COUNTS);
  readonly spend = new BigInt64Array(LIVE_WINDOW_SECONDS);
  readonly revenue = new BigInt64Array(LIVE_WINDOW_SECONDS);

  slotOf(t: number): number {
    const slot = t % LIVE_WINDOW_SECONDS;
    if (this.seconds[slot] !== t) {
      this.seconds[slot] = t;
      this.counts.fill(0, slot * COUNTS, slot * COUNTS + COUNTS);
      this.spend[slot] = 0n;
      this.revenue[slot] = 0n;
    }
    return slot;
  }

  second(t: number): LiveSecond {
    const slot = t % LIVE_WINDOW_SECONDS;
    const held = this.seconds[slot] === t;
    const c = (i: number) => (held ? (this.counts[slot * COUNTS + i] ?? 0) : 0);
    const requests = c(0);
    const filled = c(1);
    return {
      t,
      requests,
      filled,
      impressions: c(2),
      viewables: c(3),
      clicks: c(4),
      conversions: c(5),
      fillRate: requests === 0 ? null : Math.round((filled / requests) * 10_000) / 10_000,
      spendMicros: String(held ? this.spend[slot] : 0n),
      revenueMicros: String(held ? this.revenue[slot] : 0n),
    };
  }
}

/**
 * Per-organization, per-second counters of the last 300 seconds, fed by a tap
 * on the event log. The tap starts at the log's end when started (the live
 * view shows traffic from then on). A log that hands over what it makes
 * durable in this process (the local log's `onDurable`: this process is its
 * only writer) is counted from those events, with no read and no decoding;
 * any other (NATS: other nodes append too) is read every `pollMs`. It keeps
 * no offset of its own, since losing a few live seconds on a restart costs
 * nothing. An event counts in the second of its `at`, if
 * that second is still in the window. A request is filled when its `request`
 * event carries the id of a decision that served an ad (`decisionId`).
 */
export class LiveStats {
  private readonly rings = new Map<string, OrganizationRing>();
  private offset: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private untap: (() => void) | undefined;

  constructor(
    private readonly deps: { eventLog: EventLog; nowMs: () => number; pollMs?: number; log?: { warn(o: object, m: string): void } },
  ) {}

  /** The ring of `organizationId`'s second `t`, or undefined when `t` is outside the window. */
  private ringFor(organizationId: string, t: number, nowSecond: number): OrganizationRing | undefined {
    if (t <= nowSecond - LIVE_WINDOW_SECONDS || t > nowSecond + 60 || !Number.isFinite(t)) return undefined;
    let ring = this.rings.get(organizationId);
    if (!ring) {
      ring = new OrganizationRing();
      this.rings.set(organizationId, ring);
    }
    return ring;
  }

  /** Counts one event (the tap calls it; exposed for tests of the counting itself). */
  count(event: DeliveryEvent, nowSecond = Math.floor(this.deps.nowMs() / 1_000)): void {
    const t = Math.floor(event.at / 1_000);
    const ring = this.ringFor(event.organizationId, t, nowSecond);
    if (!ring) return;
    const slot = ring.slotOf(t);
    const base = slot * COUNTS;
    if (event.type === 'request') {
      ring.counts[base] = (ring.counts[base] ?? 0) + 1;
      if (event.decisionId !== undefined) ring.counts[base + 1] = (ring.counts[base + 1] ?? 0) + 1;
    } else {
      const index = COUNT_OF[event.type];
      if (index !== undefined) ring.counts[base + index] = (ring.counts[base + index] ?? 0) + 1;
    }
    if (event.costMicros !== undefined) ring.spend[slot] = (ring.spend[slot] ?? 0n) + BigInt(event.costMicros);
    if (event.revenueMicros !== undefined) ring.revenue[slot] = (ring.revenue[slot] ?? 0n) + BigInt(event.revenueMicros);
  }

  /** Counts what a tally adds up to, as `count` would its events (the tap of encoded appends). */
  countTally(tally: EventTally, nowSecond = Math.floor(this.deps.nowMs() / 1_000)): void {
    const t = tally.second;
    const ring = this.ringFor(tally.organizationId, t, nowSecond);
    if (!ring) return;
    const slot = ring.slotOf(t);
    const base = slot * COUNTS;
    for (let type = 0; type < tally.byType.length; type++) {
      const events = tally.byType[type] ?? 0;
      const index = COUNT_OF_TYPE[type] ?? -1;
      if (events > 0 && index >= 0) ring.counts[base + index] = (ring.counts[base + index] ?? 0) + events;
    }
    ring.counts[base + 1] = (ring.counts[base + 1] ?? 0) + tally.filledRequests;
    ring.spend[slot] = (ring.spend[slot] ?? 0n) + tally.costMicros;
    ring.revenue[slot] = (ring.revenue[slot] ?? 0n) + tally.revenueMicros;
  }

  /** Second `t` of one organization (zeros when it had no traffic or left the window). */
  second(organizationId: string, t: number): LiveSecond {
    return (this.rings.get(organizationId) ?? EMPTY).second(t);
  }

  /** The 300 seconds before `nowSecond` (the second in progress excluded), oldest first. */
  snapshot(organizationId: string, nowSecond: number): LiveSecond[] {
    return Array.from({ length: LIVE_WINDOW_SECONDS }, (_, i) => this.second(organizationId, nowSecond - LIVE_WINDOW_SECONDS + i));
  }

  /**
   * Reads what the log holds past the tap's position and counts it; resolves when caught up. Calls never overlap.
   * Fed by the log's durable tap, there is nothing to read: every durable event was counted before its append resolved.
   */
  poll(): Promise<void> {
    if (this.untap) return Promise.resolve();
    this.polling ??= this.readToEnd().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async readToEnd(): Promise<void> {
    const log = this.deps.eventLog;
    if (this.offset === undefined) this.offset = (await log.read(Number.MAX_SAFE_INTEGER, 1)).next;
    for (;;) {
      const { events, next } = await log.read(this.offset, 10_000);
      const nowSecond = Math.floor(this.deps.nowMs() / 1_000);
      for (const event of events) this.count(event, nowSecond);
      this.offset = next;
      if (events.length < 10_000) return;
    }
  }

  /** Takes the log's current end as the start and counts what is appended from then on until `stop`. */
  async start(): Promise<void> {
    const log = this.deps.eventLog;
    if (hasDurableTap(log)) {
      this.untap = log.onDurable((batch) => {
        const nowSecond = Math.floor(this.deps.nowMs() / 1_000);
        if (batch.events) for (const event of batch.events) this.count(event, nowSecond);
        else for (const tally of batch.tally) this.countTally(tally, nowSecond);
      });
      return;
    }
    // A log that does not answer yet (NATS starting) must not stop the server: the next poll retries.
    await this.poll().catch((err: unknown) => this.deps.log?.warn({ err }, 'live stats could not read the event log'));
    const tick = () => {
      this.timer = setTimeout(() => {
        this.poll()
          .catch((err: unknown) => this.deps.log?.warn({ err }, 'live stats could not read the event log'))
          .finally(() => {
            if (this.timer) tick();
          });
      }, this.deps.pollMs ?? 200);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.untap?.();
    this.untap = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }
}

const EMPTY = new OrganizationRing();

/** An event log that hands each append, once durable, to in-process taps (the local log's `DurableBatch`). */
interface DurableTapSource {
  onDurable(tap: (batch: { events: readonly DeliveryEvent[] | undefined; tally: readonly EventTally[] }) => void): () => void;
}

const hasDurableTap = (log: EventLog): log is EventLog & DurableTapSource =>
  typeof (log as Partial<DurableTapSource>).onDurable === 'function';
