import { hash } from 'node:crypto';
import { newId } from '@adplatform/domain';
import { DELIVERY_EVENT_TYPES, type DeliveryEvent, type DeliveryEventType } from '@adplatform/ports';

/**
 * What both line parsers of `POST /t/events` share: the checked values of one
 * line (`LineFields`), the event built from them (`buildEvent`, one field
 * order whichever parser filled them), the tenant ids and the value checks.
 * The general parser (`JSON.parse`, events-ingest-lines.ts) and the scanner of
 * the common line shape (events-ingest-scanner.ts) must answer the same event
 * for the same line: building it in one place keeps them so.
 */

/** `explain` is the platform's own decision trace, not something a sender reports. */
export const INGEST_TYPES: ReadonlySet<string> = new Set(DELIVERY_EVENT_TYPES.filter((type) => type !== 'explain'));

/** A line's refusal: the field at fault (`$` = the whole line) and why. */
export class LineError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The checked fields of one line, reused line after line (`clear` before each). */
export class LineFields {
  senderId: string | undefined = undefined;
  /** The stored id when the parser derived it already (`TenantIds.ofBytes`); else it comes from `senderId`. */
  storedId: string | undefined = undefined;
  type: DeliveryEventType = 'request';
  at = 0;
  decisionId: string | undefined = undefined;
  advertiserId: string | undefined = undefined;
  campaignId: string | undefined = undefined;
  lineItemId: string | undefined = undefined;
  creativeId: string | undefined = undefined;
  publisherId: string | undefined = undefined;
  siteId: string | undefined = undefined;
  placementId: string | undefined = undefined;
  country: string | undefined = undefined;
  region: string | undefined = undefined;
  deviceType: string | undefined = undefined;
  os: string | undefined = undefined;
  browser: string | undefined = undefined;
  costMicros: string | undefined = undefined;
  revenueMicros: string | undefined = undefined;
  invalid: { reason: string } | undefined = undefined;
  data: Record<string, unknown> | undefined = undefined;

  clear(): void {
    this.senderId = undefined;
    this.storedId = undefined;
    this.type = 'request';
    this.at = 0;
    this.decisionId = undefined;
    this.advertiserId = undefined;
    this.campaignId = undefined;
    this.lineItemId = undefined;
    this.creativeId = undefined;
    this.publisherId = undefined;
    this.siteId = undefined;
    this.placementId = undefined;
    this.country = undefined;
    this.region = undefined;
    this.deviceType = undefined;
    this.os = undefined;
    this.browser = undefined;
    this.costMicros = undefined;
    this.revenueMicros = undefined;
    this.invalid = undefined;
    this.data = undefined;
  }
}

/** The stored ids of one body's sender ids: the organization's prefix and the last `at` in hex reused line after line. */
export class TenantIds {
  private readonly prefix: string;
  /** `<organization>/<sender id>` as bytes, the organization written once: what `ofBytes` hashes. */
  private readonly scratch: Buffer;
  private lastAt = -1;
  private lastAtHex = '';

  constructor(organizationId: string) {
    this.prefix = `${organizationId}/`;
    const prefixBytes = Buffer.from(this.prefix, 'utf8');
    this.scratch = Buffer.alloc(prefixBytes.byteLength + 36);
    prefixBytes.copy(this.scratch);
  }

  /** `tenantEventId` for a sender id already in lowercase. */
  of(senderId: string, atMs: number): string {
    return tenantIdFromDigest(hash('sha256', this.prefix + senderId, 'hex'), this.atHex(atMs));
  }

  /**
   * The same for the 36 bytes of a UUID (any case) at `start` of `bytes`:
   * hashing bytes spares making, joining and encoding a string per line.
   */
  ofBytes(bytes: Uint8Array, start: number, atMs: number): string {
    const scratch = this.scratch;
    const offset = scratch.byteLength - 36;
    // Setting bit 0x20 lowercases A–F and leaves digits and '-' as they are.
    for (let k = 0; k < 36; k++) scratch[offset + k] = (bytes[start + k] as number) | 0x20;
    return tenantIdFromDigest(hash('sha256', scratch, 'hex'), this.atHex(atMs));
  }

  /** `at` as 12 hex digits; lines of a batch mostly share it, so the last one is kept. */
  private atHex(atMs: number): string {
    if (atMs !== this.lastAt) {
      this.lastAt = atMs;
      this.lastAtHex = hex48(atMs);
    }
    return this.lastAtHex;
  }
}

/**
 * The event of a line's fields, in one fixed field order, so events of the
 * same fields share one shape whatever order senders use. Unrolled on purpose
 * (each store by name: a fast monomorphic store).
 */
export function buildEvent(fields: LineFields, organizationId: string, tenantIds: TenantIds): DeliveryEvent {
  const { senderId, at } = fields;
  const id = fields.storedId ?? (senderId === undefined ? newId() : tenantIds.of(senderId, at));
  const event: DeliveryEvent = { id, type: fields.type, at, organizationId };
  if (fields.decisionId !== undefined) event.decisionId = fields.decisionId;
  if (fields.advertiserId !== undefined) event.advertiserId = fields.advertiserId;
  if (fields.campaignId !== undefined) event.campaignId = fields.campaignId;
  if (fields.lineItemId !== undefined) event.lineItemId = fields.lineItemId;
  if (fields.creativeId !== undefined) event.creativeId = fields.creativeId;
  if (fields.publisherId !== undefined) event.publisherId = fields.publisherId;
  if (fields.siteId !== undefined) event.siteId = fields.siteId;
  if (fields.placementId !== undefined) event.placementId = fields.placementId;
  if (fields.country !== undefined) event.country = fields.country;
  if (fields.region !== undefined) event.region = fields.region;
  if (fields.deviceType !== undefined) event.deviceType = fields.deviceType;
  if (fields.os !== undefined) event.os = fields.os;
  if (fields.browser !== undefined) event.browser = fields.browser;
  if (fields.costMicros !== undefined) event.costMicros = fields.costMicros;
  if (fields.revenueMicros !== undefined) event.revenueMicros = fields.revenueMicros;
  if (fields.invalid !== undefined) event.invalid = fields.invalid;
  if (fields.data !== undefined) event.data = fields.data;
  return event;
}

/** Hex digits by char code: 1 lowercase, 2 uppercase, 0 anything else. */
const HEX_KIND = new Uint8Array(128);
for (let c = 0; c < 10; c++) HEX_KIND[48 + c] = 1;
for (let c = 0; c < 6; c++) {
  HEX_KIND[97 + c] = 1;
  HEX_KIND[65 + c] = 2;
}

/**
 * Whether `text` holds a UUID from `start` (36 characters): 0 no, 1 in
 * lowercase, 3 with uppercase hex digits. Checked by char codes: a third of a
 * regular expression's cost per id, and a line has up to nine.
 */
export function uuidKind(text: string, start: number): number {
  let kinds = 1;
  for (let i = 0; i < 36; i++) {
    const code = text.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 0x2d) return 0;
      continue;
    }
    const kind = code < 128 ? (HEX_KIND[code] ?? 0) : 0;
    if (kind === 0) return 0;
    kinds |= kind;
  }
  return kinds;
}

export const isCapital = (code: number) => code >= 65 && code <= 90;

/** A non-negative integer of micros as a decimal string: no sign, no leading zero, at most 18 digits. */
export const MICROS = /^(?:0|[1-9][0-9]{0,17})$/;

const VARIANT_NIBBLE = '89ab';
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A 48-bit integer as 12 hex digits, by bytes: Number#toString(16) is the slow path for a number past 2^31. */
function hex48(value: number): string {
  const high = Math.floor(value / 0x1000000);
  const low = value % 0x1000000;
  return (
    (HEX_PAIRS[high >>> 16] as string) +
    (HEX_PAIRS[(high >>> 8) & 0xff] as string) +
    (HEX_PAIRS[high & 0xff] as string) +
    (HEX_PAIRS[low >>> 16] as string) +
    (HEX_PAIRS[(low >>> 8) & 0xff] as string) +
    (HEX_PAIRS[low & 0xff] as string)
  );
}

/**
 * The id from the hex SHA-256 digest and `at` as 12 hex digits: `at` in the
 * first 48 bits, the version 7, the variant 10, the rest of the first 16 bytes
 * of the digest. Built from the hex text, without a buffer per id.
 */
export function tenantIdFromDigest(digest: string, atHex: string): string {
  const variant = VARIANT_NIBBLE[Number.parseInt(digest[16] as string, 16) & 3] as string;
  return `${atHex.slice(0, 8)}-${atHex.slice(8, 12)}-7${digest.slice(13, 16)}-${variant}${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
}
