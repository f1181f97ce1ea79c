/**
 * The event log port: every decision, impression, click and other delivery
 * event, appended with an id minted where the event was born. The in-process
 * log is the embedded default for now; the durable segment-file log and NATS
 * JetStream implement the same interface with the events issue.
 *
 * `append` resolves once the events are accepted (durable, for the durable
 * adapters); appending an id already in the log is allowed (consumers dedupe).
 */
export interface EventLog {
  readonly kind: string;
  append(events: readonly DeliveryEvent[]): Promise<void>;
  /** Events from `offset` (0 = the first kept), at most `limit`, with the offset to read next. */
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
