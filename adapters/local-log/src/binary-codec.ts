import { DELIVERY_EVENT_TYPES, type DeliveryEvent } from '@adplatform/ports';

/**
 * Codec 2: events in a compact binary form, about 40% of their JSON size and
 * cheaper to produce. Per event, a kind byte: 0 binary, 1 JSON (an event with
 * a property outside DeliveryEvent, kept whole). A binary event is the type
 * (u8 index, 255 + string for an unknown one), `at` (f64 LE), then each string
 * field in STRING_FIELDS as a tag (0 absent, 1 lowercase UUID as 16 bytes,
 * 2 u16 length + UTF-8), then `invalid` and `data` (0 absent, 3 u32 length +
 * JSON).
 */
const STRING_FIELDS = [
  'id',
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
] as const;
const KNOWN = new Set<string>([...STRING_FIELDS, 'type', 'at', 'invalid', 'data']);
const TYPE_INDEX = new Map<string, number>(DELIVERY_EVENT_TYPES.map((type, i) => [type, i]));

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const UUID_TEXT = Buffer.alloc(36);

class Writer {
  buffer = Buffer.allocUnsafe(64 * 1024);
  at = 0;
  ensure(bytes: number): void {
    if (this.at + bytes <= this.buffer.byteLength) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.byteLength * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
  string(text: string): void {
    this.ensure(2 + text.length * 3);
    const bytes = this.buffer.write(text, this.at + 2, 'utf8');
    if (bytes > 0xffff) throw new RangeError('an event string field is longer than 65,535 bytes');
    this.buffer.writeUInt16LE(bytes, this.at);
    this.at += 2 + bytes;
  }
  json(value: unknown): void {
    const text = JSON.stringify(value);
    this.ensure(5 + text.length * 3);
    this.buffer[this.at] = 3;
    const bytes = this.buffer.write(text, this.at + 5, 'utf8');
    this.buffer.writeUInt32LE(bytes, this.at + 1);
    this.at += 5 + bytes;
  }
  /** Writes a canonical lowercase UUID as 16 bytes; false (nothing written) if it is not one. */
  uuid(id: string): boolean {
    if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) {
      return false;
    }
    this.ensure(17);
    const out = this.buffer;
    let to = this.at + 1;
    for (let i = 0; i < 36; i += 2) {
      if (i === 8 || i === 13 || i === 18 || i === 23) i++;
      const high = NIBBLE[id.charCodeAt(i)] ?? -1;
      const low = NIBBLE[id.charCodeAt(i + 1)] ?? -1;
      if (high < 0 || low < 0) return false;
      out[to++] = (high << 4) | low;
    }
    out[this.at] = 1;
    this.at += 17;
    return true;
  }
}

function isPlain(event: DeliveryEvent): boolean {
  for (const key in event) if (!KNOWN.has(key)) return false;
  return true;
}

/** The events of one chunk in codec 2. */
export function encodeBinary(events: readonly DeliveryEvent[]): Buffer {
  const w = new Writer();
  for (const event of events) {
    w.ensure(10);
    if (!isPlain(event)) {
      w.buffer[w.at++] = 1;
      w.json(event);
      continue;
    }
    w.buffer[w.at++] = 0;
    const type = TYPE_INDEX.get(event.type);
    if (type === undefined) {
      w.buffer[w.at++] = 255;
      w.string(event.type);
    } else w.buffer[w.at++] = type;
    w.ensure(8);
    w.buffer.writeDoubleLE(event.at, w.at);
    w.at += 8;
    for (const field of STRING_FIELDS) {
      const value = event[field];
      w.ensure(1);
      if (value === undefined) w.buffer[w.at++] = 0;
      else if (!w.uuid(value)) {
        w.buffer[w.at++] = 2;
        w.string(value);
      }
    }
    for (const value of [event.invalid, event.data]) {
      w.ensure(1);
      if (value === undefined) w.buffer[w.at++] = 0;
      else w.json(value);
    }
  }
  return w.buffer.subarray(0, w.at);
}

function readUuid(from: Buffer, at: number): string {
  let out = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) UUID_TEXT[out++] = 45;
    const byte = from[at + i] ?? 0;
    UUID_TEXT[out++] = HEX[byte >> 4] ?? 0;
    UUID_TEXT[out++] = HEX[byte & 15] ?? 0;
  }
  return UUID_TEXT.toString('latin1', 0, 36);
}

/** Decodes `count` codec-2 events from `payload`; throws if it does not hold exactly that. */
export function decodeBinary(payload: Buffer, count: number): DeliveryEvent[] {
  const events: DeliveryEvent[] = [];
  let at = 0;
  const text = (lengthBytes: 2 | 4) => {
    const length = lengthBytes === 2 ? payload.readUInt16LE(at) : payload.readUInt32LE(at);
    const value = payload.toString('utf8', at + lengthBytes, at + lengthBytes + length);
    at += lengthBytes + length;
    return value;
  };
  while (events.length < count) {
    const kind = payload[at++];
    if (kind === 1) {
      at++; // the JSON tag
      events.push(JSON.parse(text(4)) as DeliveryEvent);
      continue;
    }
    if (kind !== 0) throw new Error(`unknown event kind ${kind} in an event log chunk`);
    const typeIndex = payload[at++] ?? 255;
    const type = typeIndex === 255 ? text(2) : DELIVERY_EVENT_TYPES[typeIndex];
    const event = { type, at: payload.readDoubleLE(at) } as Record<string, unknown>;
    at += 8;
    for (const field of STRING_FIELDS) {
      const tag = payload[at++];
      if (tag === 1) {
        event[field] = readUuid(payload, at);
        at += 16;
      } else if (tag === 2) event[field] = text(2);
    }
    for (const field of ['invalid', 'data']) {
      if (payload[at++] === 3) event[field] = JSON.parse(text(4));
    }
    events.push(event as unknown as DeliveryEvent);
  }
  if (at !== payload.byteLength) throw new Error('an event log chunk holds more bytes than its events');
  return events;
}
