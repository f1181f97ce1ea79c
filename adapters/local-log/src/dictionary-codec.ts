import { DELIVERY_EVENT_TYPES, type DeliveryEvent } from '@adplatform/ports';

/**
 * Codec 3: codec 2's binary layout plus a dictionary per chunk, and flat
 * `data` objects in binary instead of JSON. Events of one chunk repeat their
 * dimensions (organization, campaign, placement, country, device…) and their
 * `data` keys: each distinct one is written once, then referenced by a u16
 * index, so the chunk is about half codec 2's size, and decoding builds each
 * distinct string once per chunk (the events share it).
 *
 * Per event: kind (0 binary, 1 JSON: an event with a property outside
 * DeliveryEvent, kept whole), type (u8 index; 255 + text for an unknown one),
 * `at` (f64 LE), then each field of FIELDS as a value, then `invalid` (0, or 3
 * + u32 length + JSON) and `data` (0; 3 + JSON; or 5 + u8 count + count ×
 * (key value, data value)). A value is a tag and its bytes:
 *   0 absent · 1 UUID (16 bytes) · 2 text (u16 length + UTF-8)
 *   10 UUID added to the dictionary · 11 text added to the dictionary · 4 u16 dictionary index
 *   6 f64 · 7 true · 8 false · 9 null   (data values only)
 * `id` and `decisionId` are unique per event and never enter the dictionary.
 */
const FIELDS = [
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
const KNOWN = new Set<string>([...FIELDS, 'type', 'at', 'invalid', 'data']);
const TYPE_INDEX = new Map<string, number>(DELIVERY_EVENT_TYPES.map((type, i) => [type, i]));
const MAX_DICTIONARY = 0xffff;
const MAX_FLAT_KEYS = 255;

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;
const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

class Encoder {
  buffer = Buffer.allocUnsafe(128 * 1024);
  at = 0;
  readonly dictionary = new Map<string, number>();

  ensure(bytes: number): void {
    if (this.at + bytes <= this.buffer.byteLength) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.byteLength * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }

  /** A string field: a dictionary reference when seen before in this chunk, else a literal (added when `shared`). */
  value(text: string, shared: boolean): void {
    if (shared) {
      const index = this.dictionary.get(text);
      if (index !== undefined) {
        this.ensure(3);
        this.buffer[this.at] = 4;
        this.buffer.writeUInt16LE(index, this.at + 1);
        this.at += 3;
        return;
      }
      if (this.dictionary.size < MAX_DICTIONARY) this.dictionary.set(text, this.dictionary.size);
      else shared = false;
    }
    if (!this.uuid(text, shared ? 10 : 1)) this.text(text, shared ? 11 : 2);
  }

  text(text: string, tag: number): void {
    const length = text.length;
    this.ensure(3 + length * 3);
    const out = this.buffer;
    let to = this.at + 3;
    // Short ASCII (dimension labels, amounts) is copied here: cheaper than a call into Buffer#write.
    let ascii = length <= 64;
    for (let i = 0; ascii && i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) ascii = false;
      else out[to++] = code;
    }
    const bytes = ascii ? length : out.write(text, this.at + 3, 'utf8');
    if (bytes > 0xffff) throw new RangeError('an event string field is longer than 65,535 bytes');
    out[this.at] = tag;
    out.writeUInt16LE(bytes, this.at + 1);
    this.at += 3 + bytes;
  }

  /** A canonical lowercase UUID as tag + 16 bytes; false (nothing written) if `id` is not one. */
  uuid(id: string, tag: number): boolean {
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
    out[this.at] = tag;
    this.at += 17;
    return true;
  }

  json(value: unknown): void {
    const text = JSON.stringify(value);
    this.ensure(5 + text.length * 3);
    this.buffer[this.at] = 3;
    const bytes = this.buffer.write(text, this.at + 5, 'utf8');
    this.buffer.writeUInt32LE(bytes, this.at + 1);
    this.at += 5 + bytes;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.at++] = value;
  }

  field(value: string | undefined, shared: boolean): void {
    if (value === undefined) this.byte(0);
    else this.value(value, shared);
  }

  /** `data` as a flat binary object when every value is a string, finite number, boolean or null; else JSON. */
  data(data: Record<string, unknown>): void {
    let count = 0;
    for (const key in data) {
      const v = data[key];
      const flat = typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v));
      if (!flat || key === '__proto__' || ++count > MAX_FLAT_KEYS) {
        this.json(data);
        return;
      }
    }
    this.ensure(2);
    this.buffer[this.at] = 5;
    this.buffer[this.at + 1] = count;
    this.at += 2;
    for (const key in data) {
      this.value(key, true);
      const v = data[key];
      if (typeof v === 'string') this.value(v, true);
      else if (typeof v === 'number') {
        this.ensure(9);
        this.buffer[this.at] = 6;
        this.buffer.writeDoubleLE(v, this.at + 1);
        this.at += 9;
      } else this.byte(v === true ? 7 : v === false ? 8 : 9);
    }
  }
}

function isPlain(event: DeliveryEvent): boolean {
  for (const key in event) if (!KNOWN.has(key)) return false;
  return true;
}

/** The events of one chunk in codec 3. */
export function encodeDictionary(events: readonly DeliveryEvent[]): Buffer {
  const e = new Encoder();
  for (const event of events) {
    if (!isPlain(event)) {
      e.byte(1);
      e.json(event);
      continue;
    }
    e.ensure(10);
    e.buffer[e.at++] = 0;
    const type = TYPE_INDEX.get(event.type);
    if (type === undefined) {
      e.buffer[e.at++] = 255;
      e.text(event.type, 2);
    } else e.buffer[e.at++] = type;
    e.ensure(8);
    e.buffer.writeDoubleLE(event.at, e.at);
    e.at += 8;
    // Unrolled, so each property is read by name (a fast, monomorphic load), not by a key in a loop.
    e.field(event.id, false);
    e.field(event.organizationId, true);
    e.field(event.decisionId, false);
    e.field(event.advertiserId, true);
    e.field(event.campaignId, true);
    e.field(event.lineItemId, true);
    e.field(event.creativeId, true);
    e.field(event.publisherId, true);
    e.field(event.siteId, true);
    e.field(event.placementId, true);
    e.field(event.country, true);
    e.field(event.region, true);
    e.field(event.deviceType, true);
    e.field(event.os, true);
    e.field(event.browser, true);
    e.field(event.costMicros, true);
    e.field(event.revenueMicros, true);
    if (event.invalid === undefined) e.byte(0);
    else e.json(event.invalid);
    if (event.data === undefined) e.byte(0);
    else e.data(event.data);
  }
  return e.buffer.subarray(0, e.at);
}

/** Decodes `count` codec-3 events from `payload`; throws if it does not hold exactly that. */
export function decodeDictionary(payload: Buffer, count: number): DeliveryEvent[] {
  const events: DeliveryEvent[] = [];
  const dictionary: string[] = [];
  let at = 0;
  const text = (lengthBytes: 2 | 4) => {
    const length = lengthBytes === 2 ? payload.readUInt16LE(at) : payload.readUInt32LE(at);
    const value = payload.toString('utf8', at + lengthBytes, at + lengthBytes + length);
    at += lengthBytes + length;
    return value;
  };
  const uuid = () => {
    let out = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
      out += HEX_PAIRS[payload[at + i] ?? 0];
    }
    at += 16;
    return out;
  };
  /** The value whose tag was just read; undefined for tag 0. */
  const value = (tag: number | undefined): unknown => {
    switch (tag) {
      case 0:
        return undefined;
      case 1:
        return uuid();
      case 2:
        return text(2);
      case 10: {
        const v = uuid();
        dictionary.push(v);
        return v;
      }
      case 11: {
        const v = text(2);
        dictionary.push(v);
        return v;
      }
      case 4: {
        const index = payload.readUInt16LE(at);
        at += 2;
        const v = dictionary[index];
        if (v === undefined) throw new Error(`dictionary index ${index} out of range in an event log chunk`);
        return v;
      }
      case 3:
        return JSON.parse(text(4));
      case 6: {
        const v = payload.readDoubleLE(at);
        at += 8;
        return v;
      }
      case 7:
        return true;
      case 8:
        return false;
      case 9:
        return null;
      default:
        throw new Error(`unknown value tag ${tag} in an event log chunk`);
    }
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
    if (typeIndex === 255) at++; // the text tag of an unknown type
    const type = typeIndex === 255 ? text(2) : DELIVERY_EVENT_TYPES[typeIndex];
    const event = { type, at: payload.readDoubleLE(at) } as Record<string, unknown>;
    at += 8;
    for (const field of FIELDS) {
      const v = value(payload[at++]);
      if (v !== undefined) event[field] = v;
    }
    const invalid = value(payload[at++]);
    if (invalid !== undefined) event.invalid = invalid;
    const dataTag = payload[at++];
    if (dataTag === 5) {
      const keys = payload[at++] ?? 0;
      const data: Record<string, unknown> = {};
      for (let i = 0; i < keys; i++) {
        const key = value(payload[at++]) as string;
        data[key] = value(payload[at++]);
      }
      event.data = data;
    } else if (dataTag !== 0) event.data = value(dataTag);
    events.push(event as unknown as DeliveryEvent);
  }
  if (at !== payload.byteLength) throw new Error('an event log chunk holds more bytes than its events');
  return events;
}
