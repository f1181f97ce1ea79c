import { DELIVERY_EVENT_TYPES, type DeliveryEvent } from './event-log.js';

/**
 * What a run of events adds up to in one second of one organization: how
 * many of each type, how many requests were filled (carry a decision id),
 * and the sums of cost and revenue. It is what an in-process reader that
 * only counts (the live stats) needs of events it is not given as objects
 * (an append of already encoded events, `EncodedEvents`).
 */
export interface EventTally {
  organizationId: string;
  /** Epoch seconds of the events' `at` (floor). */
  second: number;
  /** Events of each type, by index in DELIVERY_EVENT_TYPES. */
  byType: number[];
  /** `request` events with a `decisionId`. */
  filledRequests: number;
  costMicros: bigint;
  revenueMicros: bigint;
}

/** The tallies of `events`, one per organization and second, in the order each first appears. */
export function tallyEvents(events: readonly DeliveryEvent[]): EventTally[] {
  const tallies: EventTally[] = [];
  let last: EventTally | undefined;
  const seen = new Map<string, EventTally>();
  for (const event of events) {
    const second = Math.floor(event.at / 1_000);
    // Events of a batch mostly share the previous one's second and organization: no key built for them.
    let tally = last !== undefined && last.second === second && last.organizationId === event.organizationId ? last : undefined;
    if (tally === undefined) {
      const key = `${second}/${event.organizationId}`;
      tally = seen.get(key);
      if (tally === undefined) {
        tally = {
          organizationId: event.organizationId,
          second,
          byType: new Array<number>(DELIVERY_EVENT_TYPES.length).fill(0),
          filledRequests: 0,
          costMicros: 0n,
          revenueMicros: 0n,
        };
        seen.set(key, tally);
        tallies.push(tally);
      }
      last = tally;
    }
    const type = TYPE_INDEX.get(event.type);
    if (type !== undefined) tally.byType[type] = (tally.byType[type] ?? 0) + 1;
    if (event.type === 'request' && event.decisionId !== undefined) tally.filledRequests++;
    if (event.costMicros !== undefined) tally.costMicros += BigInt(event.costMicros);
    if (event.revenueMicros !== undefined) tally.revenueMicros += BigInt(event.revenueMicros);
  }
  return tallies;
}

const TYPE_INDEX = new Map<string, number>(DELIVERY_EVENT_TYPES.map((type, i) => [type, i]));
