/**
 * The event log port: every decision, impression, click and other delivery
 * event, appended with an id minted where the event was born. The in-process
 * log is the embedded default for now; the durable segment-file log and NATS
 * JetStream implement the same interface with the events issue.
 *
 * Offsets are positions in the whole history: the first event ever appended
 * is offset 0, the next 1, and so on, and they keep counting when a bounded
 * log forgets its oldest events. Contract (packages/ports/src/contracts/event-log.contract.ts):
 * - `append` resolves once the events are accepted (durable, for the durable
 *   adapters). The events of one call get consecutive offsets in the order
 *   given, even when calls run concurrently. An id already in the log is
 *   appended again (consumers dedupe by id).
 * - The log takes ownership of the appended objects and `read` returns them
 *   (or equal copies): neither side mutates an event after `append`.
 */
export interface EventLog {
  readonly kind: string;
  append(events: readonly DeliveryEvent[]): Promise<void>;
  /**
   * Up to `limit` events from `offset` on, and the offset to read next. An
   * offset older than the oldest kept event starts at the oldest kept one; an
   * offset at or past the end answers no events and `next` = the end.
   */
  read(offset: number, limit: number): Promise<{ events: DeliveryEvent[]; next: number }>;
  close(): Promise<void>;
}

export const DELIVERY_EVENT_TYPES = [
  'request',
  'decision',
  'impression',
  'viewable',
  'click',
  'conversion',
  'video_start',
  'video_first_quartile',
  'video_midpoint',
  'video_third_quartile',
  'video_complete',
  'explain',
] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

/** One event. Ids are UUIDv7; money is integer micros, as a decimal string so it survives JSON. */
export interface DeliveryEvent {
  id: string;
  type: DeliveryEventType;
  /** Epoch ms. */
  at: number;
  organizationId: string;
  decisionId?: string;
  advertiserId?: string;
  campaignId?: string;
  lineItemId?: string;
  creativeId?: string;
  publisherId?: string;
  siteId?: string;
  placementId?: string;
  country?: string;
  region?: string;
  deviceType?: string;
  os?: string;
  browser?: string;
  /** What the advertiser pays for this event, micros. */
  costMicros?: string;
  /** What the publisher earns, micros. */
  revenueMicros?: string;
  /** Invalid traffic, filled by a later issue. */
  invalid?: { reason: string };
  /** Type-specific facts (the explanation of a sampled decision, a conversion value…). */
  data?: Record<string, unknown>;
}
