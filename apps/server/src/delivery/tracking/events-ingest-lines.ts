import { hash } from 'node:crypto';
import { newId } from '@adplatform/domain';
import { DELIVERY_EVENT_TYPES, type DeliveryEvent, type DeliveryEventType } from '@adplatform/ports';

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
}

/** `explain` is the platform's own decision trace, not something a sender reports. */
const INGEST_TYPES: ReadonlySet<string> = new Set(DELIVERY_EVENT_TYPES.filter((type) => type !== 'explain'));
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_FIELDS = new Set(['decisionId', 'advertiserId', 'campaignId', 'lineItemId', 'creativeId', 'publisherId', 'siteId', 'placementId']);
const LABEL_FIELDS = new Set(['region', 'deviceType', 'os', 'browser']);
const MICROS = /^(?:0|[1-9][0-9]{0,17})$/;
const COUNTRY = /^[A-Z]{2}$/;

class LineError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses an NDJSON body into events of the caller's organization. Each
 * non-blank line is one JSON object of the event schema (docs/tracking.md);
 * a bad line is refused alone with the first field at fault and never stops
 * the others. Blank lines are skipped but counted, so line numbers match the
 * sender's file.
 */
export function parseEventLines(body: string, options: ParseLinesOptions): { events: DeliveryEvent[]; rejected: LineRejection[] } {
  const events: DeliveryEvent[] = [];
  const rejected: LineRejection[] = [];
  const maxLineChars = options.maxLineChars ?? 65_536;
  let start = 0;
  let line = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    line += 1;
    const text = body.slice(start, end).trim();
    start = end + 1;
    if (text === '') continue;
    try {
      if (text.length > maxLineChars) throw new LineError('$', `is longer than ${maxLineChars} characters`);
      events.push(toEvent(parseJson(text), options));
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      rejected.push({ line, field: error.field, detail: error.message });
    }
  }
  return { events, rejected };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LineError('$', 'is not valid JSON');
  }
}

function toEvent(value: unknown, options: ParseLinesOptions): DeliveryEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LineError('$', 'must be a JSON object');
  const line = value as Record<string, unknown>;
  if (line.type === undefined) throw new LineError('type', 'is required');
  if (line.at === undefined) throw new LineError('at', 'is required');
  const event: DeliveryEvent = { id: '', type: 'request', at: 0, organizationId: options.organizationId };
  let senderId: string | undefined;
  for (const key in line) {
    const field = line[key];
    if (key === 'id') senderId = uuid(key, field);
    else if (key === 'type') event.type = eventType(field);
    else if (key === 'at') event.at = instant(field, options);
    else if (key === 'organizationId') {
      if (field !== options.organizationId) throw new LineError(key, "must be omitted or be the ingest key's organization");
    } else if (ID_FIELDS.has(key)) (event as unknown as Record<string, string>)[key] = uuid(key, field);
    else if (LABEL_FIELDS.has(key)) (event as unknown as Record<string, string>)[key] = label(key, field);
    else if (key === 'country') {
      if (typeof field !== 'string' || !COUNTRY.test(field)) throw new LineError(key, 'must be an ISO 3166-1 alpha-2 code in capitals');
      event.country = field;
    } else if (key === 'costMicros' || key === 'revenueMicros') event[key] = micros(key, field);
    else if (key === 'invalid') event.invalid = invalidTraffic(field);
    else if (key === 'data') {
      if (typeof field !== 'object' || field === null || Array.isArray(field)) throw new LineError(key, 'must be a JSON object');
      event.data = field as Record<string, unknown>;
    } else throw new LineError(key, 'is not a field of the event schema');
  }
  event.id = senderId === undefined ? newId() : tenantEventId(options.organizationId, senderId, event.at);
  return event;
}

function eventType(value: unknown): DeliveryEventType {
  if (typeof value !== 'string' || !INGEST_TYPES.has(value)) throw new LineError('type', `must be one of ${[...INGEST_TYPES].join(', ')}`);
  return value as DeliveryEventType;
}

function instant(value: unknown, options: ParseLinesOptions): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isSafeInteger(ms)) throw new LineError('at', 'must be epoch milliseconds (an integer) or an RFC 3339 date-time');
  if (ms > options.nowMs + (options.maxFutureMs ?? 300_000)) throw new LineError('at', 'lies in the future');
  if (ms < options.nowMs - (options.maxAgeMs ?? 30 * 86_400_000)) throw new LineError('at', 'is older than the ingest window');
  return ms;
}

function uuid(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new LineError(field, 'must be a UUID');
  if (LOWER_UUID.test(value)) return value;
  if (!UUID.test(value)) throw new LineError(field, 'must be a UUID');
  return value.toLowerCase();
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
  // crypto.hash: the one-shot form, a third of createHash's cost per line.
  const bytes = hash('sha256', `${organizationId}/${senderId.toLowerCase()}`, 'buffer').subarray(0, 16);
  bytes.writeUIntBE(atMs, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
