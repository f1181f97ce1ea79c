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

/** Each byte's two lowercase hex digits as char codes, the first in the low byte. */
const HEX_CODES = Uint16Array.from({ length: 256 }, (_, b) => {
  const pair = b.toString(16).padStart(2, '0');
  return pair.charCodeAt(0) | (pair.charCodeAt(1) << 8);
});
const DASH = 0x2d;

/** Memo slots: one per string field of FIELDS, then `data` keys and string values by position. */
const DATA_SLOTS = 8;
const DATA_KEY_SLOT = FIELDS.length;
const DATA_VALUE_SLOT = DATA_KEY_SLOT + DATA_SLOTS;
const SLOTS = DATA_VALUE_SLOT + DATA_SLOTS;

/**
 * Writes codec-3 payloads into one growable buffer, which a caller may reuse
 * chunk after chunk (the event log keeps one per log: no buffer per chunk).
 * Besides the chunk's dictionary it remembers, per field, the last string and
 * its index: events of a batch mostly repeat the previous event's campaign,
 * placement, country…, often as the very same string, and comparing with it
 * costs less than hashing it into the dictionary. The bytes are the same
 * either way.
 */
export class DictionaryEncoder {
  buffer: Buffer;
  at = 0;
  /** Over `buffer`, for doubles: a DataView store is inlined where Buffer#writeDoubleLE is a call. */
  private view: DataView;
  private readonly dictionary = new Map<string, number>();
  private readonly lastText: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  private readonly lastIndex = new Int32Array(SLOTS);
  private plainKeys: string[] = [];
  private lastType: string | undefined;
  private lastTypeIndex = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  /** Appends the codec-3 payload of `events` at `at` and answers its length in bytes. */
  encode(events: readonly DeliveryEvent[]): number {
    const start = this.at;
    this.dictionary.clear();
    this.lastText.fill(undefined);
    for (const event of events) this.event(event);
    return this.at - start;
  }

  /** Makes room for `bytes` more at `at`, keeping what was written. */
  ensure(bytes: number): void {
    if (this.at + bytes <= this.buffer.byteLength) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.byteLength * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.replace(grown);
  }

  /** Swaps in another buffer (a smaller one once a huge write is done); what was written is dropped. */
  replace(buffer: Buffer): void {
    this.buffer = buffer;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.at = Math.min(this.at, buffer.byteLength);
  }

  /**
   * One event. Room for its fixed-size part (EVENT_FIXED_BYTES) is made once
   * here; the writers of variable-length text and JSON make room for
   * themselves plus that much again, so the fixed writes that follow them
   * still fit.
   */
  private event(event: DeliveryEvent): void {
    if (!this.isPlain(event)) {
      this.ensure(1);
      this.buffer[this.at++] = 1;
      this.json(event);
      return;
    }
    this.ensure(EVENT_FIXED_BYTES);
    this.buffer[this.at++] = 0;
    if (event.type !== this.lastType) {
      this.lastType = event.type;
      this.lastTypeIndex = TYPE_INDEX.get(event.type) ?? 255;
    }
    this.buffer[this.at++] = this.lastTypeIndex;
    if (this.lastTypeIndex === 255) this.text(event.type, 2);
    this.view.setFloat64(this.at, event.at, true);
    this.at += 8;
    // Unrolled, so each property is read by name (a fast, monomorphic load), not by a key in a loop.
    this.unique(event.id);
    this.field(event.organizationId, 1);
    this.unique(event.decisionId);
    this.field(event.advertiserId, 3);
    this.field(event.campaignId, 4);
    this.field(event.lineItemId, 5);
    this.field(event.creativeId, 6);
    this.field(event.publisherId, 7);
    this.field(event.siteId, 8);
    this.field(event.placementId, 9);
    this.field(event.country, 10);
    this.field(event.region, 11);
    this.field(event.deviceType, 12);
    this.field(event.os, 13);
    this.field(event.browser, 14);
    this.field(event.costMicros, 15);
    this.field(event.revenueMicros, 16);
    if (event.invalid === undefined) this.buffer[this.at++] = 0;
    else this.json(event.invalid);
    if (event.data === undefined) this.buffer[this.at++] = 0;
    else this.data(event.data);
  }

  /**
   * Whether every property is one of DeliveryEvent's. Events of a batch share
   * their keys in the same order, so the last plain event's keys are compared
   * first (the same internalized strings), before any set lookup.
   */
  private isPlain(event: DeliveryEvent): boolean {
    const known = this.plainKeys;
    let i = 0;
    let matches = true;
    for (const key in event) {
      if (matches && known[i] === key) {
        i++;
        continue;
      }
      if (!KNOWN.has(key)) return false;
      matches = false;
    }
    if (!matches) this.plainKeys = Object.keys(event);
    return true;
  }

  /** A field unique per event (`id`, `decisionId`): never in the dictionary. */
  private unique(value: string | undefined): void {
    if (value === undefined) this.buffer[this.at++] = 0;
    else if (!this.uuid(value, 1)) this.text(value, 2);
  }

  /** A shared string field, or 0 when absent. */
  private field(value: string | undefined, slot: number): void {
    if (value === undefined) this.buffer[this.at++] = 0;
    else this.value(value, slot);
  }

  /** A shared string: a dictionary reference when seen before in this chunk, else a literal added to the dictionary. */
  private value(text: string, slot: number): void {
    let index: number | undefined;
    if (slot < SLOTS && this.lastText[slot] === text) index = this.lastIndex[slot] as number;
    else {
      index = this.dictionary.get(text);
      if (index === undefined) {
        if (this.dictionary.size >= MAX_DICTIONARY) {
          if (!this.uuid(text, 1)) this.text(text, 2);
          return;
        }
        index = this.dictionary.size;
        this.dictionary.set(text, index);
        if (slot < SLOTS) this.remember(slot, text, index);
        if (!this.uuid(text, 10)) this.text(text, 11);
        return;
      }
      if (slot < SLOTS) this.remember(slot, text, index);
    }
    const out = this.buffer;
    const at = this.at;
    out[at] = 4;
    out[at + 1] = index & 0xff;
    out[at + 2] = index >>> 8;
    this.at = at + 3;
  }

  private remember(slot: number, text: string, index: number): void {
    this.lastText[slot] = text;
    this.lastIndex[slot] = index;
  }

  private text(text: string, tag: number): void {
    const length = text.length;
    this.ensure(3 + length * 3 + EVENT_FIXED_BYTES);
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
    out[this.at + 1] = bytes & 0xff;
    out[this.at + 2] = bytes >>> 8;
    this.at += 3 + bytes;
  }

  /**
   * A canonical lowercase UUID as tag + 16 bytes; false (nothing written) if
   * `id` is not one. Room for 17 bytes is already made (EVENT_FIXED_BYTES).
   */
  private uuid(id: string, tag: number): boolean {
    if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) {
      return false;
    }
    const out = this.buffer;
    const at = this.at + 1;
    // The 16 hex pairs of the five groups (8-4-4-4-12), each looked up at once.
    let bad = 0;
    for (let k = 0; k < 16; k++) {
      const i = UUID_PAIRS[k] as number;
      const high = id.charCodeAt(i);
      const low = id.charCodeAt(i + 1);
      // Above 255 for a character past ASCII or a pair that is not two lowercase hex digits.
      const byte = (HEX_PAIR[((high << 7) | low) & 0x3fff] as number) | (((high | low) & 0xff80) << 1);
      bad |= byte;
      out[at + k] = byte;
    }
    if (bad > 255) return false; // nothing counts as written until `at` moves
    out[at - 1] = tag;
    this.at = at + 16;
    return true;
  }

  private json(value: unknown): void {
    const text = JSON.stringify(value);
    this.ensure(5 + text.length * 3 + EVENT_FIXED_BYTES);
    this.buffer[this.at] = 3;
    const bytes = this.buffer.write(text, this.at + 5, 'utf8');
    this.buffer.writeUInt32LE(bytes, this.at + 1);
    this.at += 5 + bytes;
  }

  /** `data` as a flat binary object when every value is a string, finite number, boolean or null; else JSON. */
  private data(data: Record<string, unknown>): void {
    let count = 0;
    for (const key in data) {
      const v = data[key];
      const flat = typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v));
      if (!flat || key === '__proto__' || ++count > MAX_FLAT_KEYS) {
        this.json(data);
        return;
      }
    }
    this.buffer[this.at] = 5;
    this.buffer[this.at + 1] = count;
    this.at += 2;
    let position = 0;
    for (const key in data) {
      // Each pair: a key (3 or 17 bytes unless text, which makes its own room) and a value (at most 17).
      this.ensure(EVENT_FIXED_BYTES);
      const slot = position < DATA_SLOTS ? position : SLOTS;
      position++;
      this.value(key, DATA_KEY_SLOT + slot);
      const v = data[key];
      if (typeof v === 'string') this.value(v, DATA_VALUE_SLOT + slot);
      else if (typeof v === 'number') {
        this.buffer[this.at] = 6;
        this.view.setFloat64(this.at + 1, v, true);
        this.at += 9;
      } else this.buffer[this.at++] = v === true ? 7 : v === false ? 8 : 9;
    }
  }
}

/** The byte of two lowercase hex digits at index (first << 7 | second) for characters below 128; 256 for any other pair. */
const HEX_PAIR = new Uint16Array(1 << 14).fill(256);
for (let high = 0; high < 16; high++) {
  for (let low = 0; low < 16; low++) {
    HEX_PAIR[('0123456789abcdef'.charCodeAt(high) << 7) | '0123456789abcdef'.charCodeAt(low)] = (high << 4) | low;
  }
}
/** Where each of a UUID's 16 hex pairs starts in its 8-4-4-4-12 text. */
const UUID_PAIRS = Uint8Array.from([0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]);

/**
 * The most an event's fixed-size parts take: kind, type, `at`, 17 fields as
 * UUIDs (17 bytes each), the `invalid` tag and `data`'s tag and key count.
 */
const EVENT_FIXED_BYTES = 1 + 1 + 8 + FIELDS.length * 17 + 1 + 2;

/** The events of one chunk in codec 3, in a buffer of their own. */
export function encodeDictionary(events: readonly DeliveryEvent[]): Buffer {
  const encoder = new DictionaryEncoder();
  const bytes = encoder.encode(events);
  return encoder.buffer.subarray(0, bytes);
}

const UUID_TEXT = Buffer.alloc(36);

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
  // A UUID's text is laid out as bytes and read as one flat string: built by concatenation, it was a rope that every
  // later hash or copy of it (a Set of ids, a DuckDB vector) had to flatten first, at 2.5x the cost.
  const uuid = () => {
    let o = 0;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) UUID_TEXT[o++] = DASH;
      const pair = HEX_CODES[payload[at + i] ?? 0] ?? 0;
      UUID_TEXT[o++] = pair & 0xff;
      UUID_TEXT[o++] = pair >> 8;
    }
    at += 16;
    return UUID_TEXT.toString('latin1', 0, 36);
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
