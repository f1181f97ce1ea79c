import { hash } from 'node:crypto';
import type { DeliveryEvent, DeliveryEventType } from '@adplatform/ports';
import {
  buildEvent,
  INGEST_TYPES,
  isCapital,
  LineError,
  LineFields,
  MICROS,
  TenantIds,
  tenantIdFromDigest,
  uuidKind,
} from './events-ingest-fields.js';
import { LineScanner } from './events-ingest-scanner.js';

/** One refused line of a `POST /t/events` body: 1-based line number, the field at fault (`$` = the whole line), why. */
export interface LineRejection {
  line: number;
  field: string;
  detail: string;
}

export interface ParseLinesOptions {
  /** From the ingest key; a line may repeat it but never name another. */
  organizationId: string;
  nowMs: number;
  /** How far back `at` may lie (default 30 days) and ahead (default 5 minutes). */
  maxAgeMs?: number;
  maxFutureMs?: number;
  /** A longer line is refused whole (default 64 KiB of characters). */
  maxLineChars?: number;
  /** Parsing stops once more non-blank lines than this are seen, and `tooMany` is set. Default: no bound. */
  maxLines?: number;
  /** False: every line through `JSON.parse`, none through the scanner of the common shape (for tests: the two agree). */
  scanner?: boolean;
}

export interface ParsedLines {
  events: DeliveryEvent[];
  rejected: LineRejection[];
  /** Set when the body holds more than `maxLines` non-blank lines: `events` and `rejected` are then partial. */
  tooMany: boolean;
}

const TYPES_DETAIL = `must be one of ${[...INGEST_TYPES].join(', ')}`;
const NEWLINE = 0x0a;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/**
 * Parses an NDJSON body into events of the caller's organization. Each
 * non-blank line is one JSON object of the event schema (docs/tracking.md);
 * a bad line is refused alone with the first field at fault and never stops
 * the others. Blank lines are skipped but counted, so line numbers match the
 * sender's file.
 *
 * The body is read as bytes and each line decoded on its own: one string of a
 * whole large body costs more than the parsing (a large V8 string is allocated
 * outside the young generation, and each one forces a scavenge).
 */
export function parseEventLines(body: Buffer | string, options: ParseLinesOptions): ParsedLines {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const events: DeliveryEvent[] = [];
  const rejected: LineRejection[] = [];
  const maxLineChars = options.maxLineChars ?? 65_536;
  const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
  const context = new LineContext(options);
  const useScanner = options.scanner !== false;
  let start = 0;
  let line = 0;
  let seen = 0;
  while (start <= bytes.byteLength) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.byteLength;
    line += 1;
    const from = start;
    start = end + 1;
    // An object with nothing around it, of at most maxLineChars bytes (so also characters), is read from its
    // bytes when it has the common shape (events-ingest-scanner.ts); anything else is decoded and parsed here.
    const isBare = bytes[from] === OPEN && bytes[end - 1] === CLOSE;
    if (isBare) {
      if (++seen > maxLines) return { events, rejected, tooMany: true };
      const event = useScanner && end - from <= maxLineChars ? context.scanner.scan(bytes, from, end) : undefined;
      if (event !== undefined) {
        events.push(event);
        continue;
      }
    }
    let text = bytes.toString('utf8', from, end);
    // Anything but a bare object is trimmed (a CR, spaces, a BOM…).
    if (!isBare) {
      text = text.trim();
      if (text === '') continue;
      if (++seen > maxLines) return { events, rejected, tooMany: true };
    }
    try {
      if (text.length > maxLineChars) throw new LineError('$', `is longer than ${maxLineChars} characters`);
      events.push(context.toEvent(parseJson(text)));
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      rejected.push({ line, field: error.field, detail: error.message });
    }
  }
  return { events, rejected, tooMany: false };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LineError('$', 'is not valid JSON');
  }
}

/** What every line of one body shares: the tenant, the time window, the memos of both parsers. */
class LineContext {
  private readonly organizationId: string;
  private readonly oldestMs: number;
  private readonly latestMs: number;
  private readonly tenantIds: TenantIds;
  private readonly fields = new LineFields();
  private readonly lastRaw: (string | undefined)[] = new Array(7).fill(undefined);
  private readonly lastId: (string | undefined)[] = new Array(7).fill(undefined);
  /** The common line shape, without JSON.parse; undefined answers send a line to `toEvent`. */
  readonly scanner: LineScanner;

  constructor(options: ParseLinesOptions) {
    this.organizationId = options.organizationId;
    this.oldestMs = options.nowMs - (options.maxAgeMs ?? 30 * 86_400_000);
    this.latestMs = options.nowMs + (options.maxFutureMs ?? 300_000);
    this.tenantIds = new TenantIds(options.organizationId);
    this.scanner = new LineScanner({
      organizationId: this.organizationId,
      oldestMs: this.oldestMs,
      latestMs: this.latestMs,
      tenantIds: this.tenantIds,
    });
  }

  /**
   * Checks every property in the line's own order (the first one at fault is
   * reported) and builds the event with its fields in one fixed order
   * (`buildEvent`). The checks live in the helpers (`uuid`, `dimension`,
   * `label`, `micros`…); the cases are unrolled on purpose: folded into a
   * table of fields (a Map from key to index, values in an array, the event
   * built by a loop of keyed stores) the same bodies cost 7–12% more CPU per
   * line, measured A/B in one run (2026-11-28).
   */
  toEvent(value: unknown): DeliveryEvent {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LineError('$', 'must be a JSON object');
    const line = value as Record<string, unknown>;
    if (line.type === undefined) throw new LineError('type', 'is required');
    if (line.at === undefined) throw new LineError('at', 'is required');
    const fields = this.fields;
    fields.clear();
    for (const key in line) {
      const field = line[key];
      switch (key) {
        case 'id':
          fields.senderId = uuid(key, field);
          break;
        case 'type':
          fields.type = eventType(field);
          break;
        case 'at':
          fields.at = this.instant(field);
          break;
        case 'organizationId':
          if (field !== this.organizationId) throw new LineError(key, "must be omitted or be the ingest key's organization");
          break;
        case 'decisionId':
          fields.decisionId = uuid(key, field);
          break;
        case 'advertiserId':
          fields.advertiserId = this.dimension(0, key, field);
          break;
        case 'campaignId':
          fields.campaignId = this.dimension(1, key, field);
          break;
        case 'lineItemId':
          fields.lineItemId = this.dimension(2, key, field);
          break;
        case 'creativeId':
          fields.creativeId = this.dimension(3, key, field);
          break;
        case 'publisherId':
          fields.publisherId = this.dimension(4, key, field);
          break;
        case 'siteId':
          fields.siteId = this.dimension(5, key, field);
          break;
        case 'placementId':
          fields.placementId = this.dimension(6, key, field);
          break;
        case 'country':
          fields.country = countryCode(field);
          break;
        case 'region':
          fields.region = label(key, field);
          break;
        case 'deviceType':
          fields.deviceType = label(key, field);
          break;
        case 'os':
          fields.os = label(key, field);
          break;
        case 'browser':
          fields.browser = label(key, field);
          break;
        case 'costMicros':
          fields.costMicros = micros(key, field);
          break;
        case 'revenueMicros':
          fields.revenueMicros = micros(key, field);
          break;
        case 'invalid':
          fields.invalid = invalidTraffic(field);
          break;
        case 'data':
          if (typeof field !== 'object' || field === null || Array.isArray(field)) throw new LineError(key, 'must be a JSON object');
          fields.data = field as Record<string, unknown>;
          break;
        default:
          throw new LineError(key, 'is not a field of the event schema');
      }
    }
    return buildEvent(fields, this.organizationId, this.tenantIds);
  }

  /**
   * A dimension id: lines of one batch mostly repeat the previous line's
   * advertiser, campaign, placement…, so the last accepted one per field is
   * kept and an equal string is taken without checking it again.
   */
  private dimension(slot: number, field: string, value: unknown): string {
    if (value === this.lastRaw[slot]) return this.lastId[slot] as string;
    const id = uuid(field, value);
    this.lastRaw[slot] = value as string;
    this.lastId[slot] = id;
    return id;
  }

  private instant(value: unknown): number {
    const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isSafeInteger(ms)) throw new LineError('at', 'must be epoch milliseconds (an integer) or an RFC 3339 date-time');
    if (ms > this.latestMs) throw new LineError('at', 'lies in the future');
    if (ms < this.oldestMs) throw new LineError('at', 'is older than the ingest window');
    return ms;
  }
}

function eventType(value: unknown): DeliveryEventType {
  if (typeof value !== 'string' || !INGEST_TYPES.has(value)) throw new LineError('type', TYPES_DETAIL);
  return value as DeliveryEventType;
}

/** A UUID in lowercase: the string itself when it already is one (the common case, no copy). */
function uuid(field: string, value: unknown): string {
  const kind = typeof value === 'string' && value.length === 36 ? uuidKind(value, 0) : 0;
  if (kind === 0) throw new LineError(field, 'must be a UUID');
  return kind === 1 ? (value as string) : (value as string).toLowerCase();
}

function countryCode(value: unknown): string {
  if (typeof value !== 'string' || value.length !== 2 || !isCapital(value.charCodeAt(0)) || !isCapital(value.charCodeAt(1))) {
    throw new LineError('country', 'must be an ISO 3166-1 alpha-2 code in capitals');
  }
  return value;
}

function label(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64)
    throw new LineError(field, 'must be a string of 1 to 64 characters');
  return value;
}

function micros(field: string, value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && MICROS.test(value)) return value;
  throw new LineError(field, 'must be a non-negative integer of micros (a number or a decimal string, at most 18 digits)');
}

function invalidTraffic(value: unknown): { reason: string } {
  const reason = (value as { reason?: unknown } | null)?.reason;
  if (typeof value !== 'object' || value === null || Object.keys(value).length !== 1 || typeof reason !== 'string' || reason === '') {
    throw new LineError('invalid', 'must be {"reason": "<non-empty string>"}');
  }
  return { reason: reason.slice(0, 64) };
}

/**
 * The stored id of a sender's event id: UUIDv7-shaped (`at` in the first 48
 * bits, so ids sort by time) with the rest from sha256(organization, id). The
 * same line sent again maps to the same id, so analytics counts it once; and
 * one tenant can never send an id equal to another tenant's event (analytics
 * dedupes by id across tenants), so it cannot suppress or shadow them.
 */
export function tenantEventId(organizationId: string, senderId: string, atMs: number): string {
  if (!Number.isSafeInteger(atMs) || atMs < 0 || atMs >= 2 ** 48) throw new RangeError('atMs must be an integer from 0 to 2^48 - 1');
  // crypto.hash: the one-shot form, a third of createHash's cost per line.
  const digest = hash('sha256', `${organizationId}/${senderId.toLowerCase()}`, 'hex');
  return tenantIdFromDigest(digest, atMs.toString(16).padStart(12, '0'));
}
