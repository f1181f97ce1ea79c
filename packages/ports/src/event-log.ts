import type { EventTally } from './event-tally.js';

/**
 * The event log port: every decision, impression, click and other delivery
 * event, appended with an id minted where the event was born. Adapters: the
 * in-process ring buffer (tests), the durable segment files under the data
 * dir (the embedded default) and NATS JetStream (scaled out).
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
 * - Consumers keep their own position: `commitOffset(consumer, next)` after
 *   processing up to `next`, `committedOffset(consumer)` on start to resume.
 *   Retention wins over a slow consumer: its committed offset then lies
 *   before the oldest kept event, and `read` starts at the oldest kept one.
 */
/** How an append may be scheduled; it is as durable either way once its promise resolves. */
export interface AppendOptions {
  /**
   * Nobody waits on this append's answer (a decision's request events, the auction log): an adapter may hold it
   * longer to share one write and fsync with more events (the local log: `backgroundCommitMs`). An awaited append
   * that arrives meanwhile takes it along in its own, sooner commit.
   */
  background?: boolean;
}

export interface EventLog {
  readonly kind: string;
  append(events: readonly DeliveryEvent[], options?: AppendOptions): Promise<void>;
  /**
   * Up to `limit` events from `offset` on, and the offset to read next. An
   * offset older than the oldest kept event starts at the oldest kept one; an
   * offset at or past the end answers no events and `next` = the end.
   */
  read(offset: number, limit: number): Promise<{ events: DeliveryEvent[]; next: number }>;
  /**
   * The offset `consumer` committed last — the next one it reads — or 0 when
   * it never committed. Consumer names match CONSUMER_NAME_PATTERN; another
   * name rejects with a RangeError.
   */
  committedOffset(consumer: string): Promise<number>;
  /**
   * Records `offset` (a non-negative integer, else RangeError) as the next
   * offset `consumer` reads. Any offset is accepted: a smaller one than before
   * rewinds the consumer (replay), one past the end waits for future events.
   * Resolves once the offset is durable (in the durable adapters) and visible
   * to `committedOffset`; commits of one consumer take effect in call order.
   */
  commitOffset(consumer: string, offset: number): Promise<void>;
  /** Flushes what was accepted and releases files and connections; appends after it reject. */
  close(): Promise<void>;
}

/**
 * Events that an adapter's own encoder framed beforehand, off the event loop
 * (the `/t/events` parsing worker), so that the log writes them without
 * encoding them again. The bytes mean something only to adapters whose
 * `encodedFormat` is `format`. The events are not objects here, so `tally`
 * says what they add up to, for in-process readers that count them.
 */
export interface EncodedEvents {
  format: string;
  bytes: Uint8Array;
  /** How many events the bytes hold. */
  count: number;
  tally: EventTally[];
}

/**
 * An event log that also takes `EncodedEvents` of its `encodedFormat`, with
 * `append`'s promise: the events get consecutive offsets in call order among
 * all appends, and the promise resolves once they are durable. Bytes that are
 * not of the format reject with a RangeError, and nothing is appended.
 */
export interface EncodedAppend {
  readonly encodedFormat: string;
  appendEncoded(batch: EncodedEvents, options?: AppendOptions): Promise<void>;
}

export const acceptsEncoded = (log: EventLog): log is EventLog & EncodedAppend =>
  typeof (log as Partial<EncodedAppend>).appendEncoded === 'function' && typeof (log as Partial<EncodedAppend>).encodedFormat === 'string';

/**
 * A range of the log as the log stores it, for a reader in another thread
 * that decodes it there (the analytics store's worker): the bytes mean
 * something only to decoders of `format`. They may hold events outside
 * [`first`, `next`), which are not part of the range; `events` counts those
 * inside it (fewer than `next - first` where corruption cut a segment short).
 */
export interface EncodedRange {
  format: string;
  bytes: Uint8Array;
  /** The offset the range starts at (the first event's, or `next` when there is none). */
  first: number;
  next: number;
  events: number;
}

/**
 * An event log that can answer `read`'s range undecoded: the same events,
 * the same `next`, and the same start at the oldest kept event, with the
 * decoding left to the reader. `limit` counts events, as in `read`.
 */
export interface EncodedRead {
  readonly encodedReadFormat: string;
  readEncoded(offset: number, limit: number): Promise<EncodedRange>;
}

/**
 * Where a reader in another thread finds the decoder of a format: `module` is
 * the URL of an ES module that exports `decodeRange` (EncodedRangeDecoderModule).
 * The composition root hands these to the reader, so an adapter that reads
 * ranges never imports the adapter that wrote them.
 */
export interface EncodedRangeDecoder {
  format: string;
  module: string;
}

export interface EncodedRangeDecoderModule {
  /** The range's events, in offset order; a RangeError for bytes it cannot decode. */
  decodeRange(range: EncodedRange): DeliveryEvent[];
}

export const readsEncoded = (log: EventLog): log is EventLog & EncodedRead =>
  typeof (log as Partial<EncodedRead>).readEncoded === 'function' && typeof (log as Partial<EncodedRead>).encodedReadFormat === 'string';

/** Consumer names: letters, digits, `_` and `-`, 1 to 64 of them (safe as a file name and a JetStream durable name). */
export const CONSUMER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws the RangeError the port promises for a bad consumer name or offset; adapters share it. */
export function assertConsumerOffset(consumer: string, offset?: number): void {
  if (typeof consumer !== 'string' || !CONSUMER_NAME_PATTERN.test(consumer)) {
    throw new RangeError('consumer must be 1 to 64 letters, digits, _ or -');
  }
  if (offset !== undefined && (!Number.isSafeInteger(offset) || offset < 0)) {
    throw new RangeError('offset must be a non-negative integer');
  }
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

/**
 * Every property of DeliveryEvent, in the interface's order, for code that reads events key by key (the ingest
 * scanner). The codecs keep their own lists: their order is the on-disk format.
 */
export const DELIVERY_EVENT_KEYS = [
  'id',
  'type',
  'at',
  'organizationId',
  'decisionId',
  'advertiserId',
  'campaignId',
  'lineItemId',
  'creativeId',
  'publisherId',
  'siteId',
  'placementId',
  'country',
  'region',
  'deviceType',
  'os',
  'browser',
  'costMicros',
  'revenueMicros',
  'invalid',
  'data',
] as const satisfies readonly (keyof DeliveryEvent)[];
/** Compiles only while DELIVERY_EVENT_KEYS names every property of DeliveryEvent. */
const everyKeyListed: Exclude<keyof DeliveryEvent, (typeof DELIVERY_EVENT_KEYS)[number]> extends never ? true : never = true;
void everyKeyListed;
