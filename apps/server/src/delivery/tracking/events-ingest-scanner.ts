import type { DeliveryEvent, DeliveryEventType } from '@adplatform/ports';
import {
  BACKSLASH,
  CLOSE,
  COLON,
  COMMA,
  DATA_KEY_MEMO,
  DATA_MEMO,
  DATA_VALUE_MEMO,
  DOT,
  FIELD_OF,
  HEX_KIND,
  isDigit,
  isExponent,
  LINE_START,
  MEMO_BYTES,
  MEMO_SLOTS,
  MINUS,
  NAME_BYTES,
  NAMES,
  OPEN,
  PLUS,
  QUOTE,
  REQUIRED,
  ZERO,
} from './events-ingest-bytes.js';
import { buildEvent, INGEST_TYPES, isCapital, LineFields, type TenantIds } from './events-ingest-fields.js';

export interface LineScannerOptions {
  organizationId: string;
  /** The accepted range of `at`, epoch ms, both ends included. */
  oldestMs: number;
  latestMs: number;
  tenantIds: TenantIds;
}

/**
 * Reads the common shape of a `POST /t/events` line from its bytes, without
 * decoding the line or `JSON.parse`: one object of the schema's keys, each at
 * most once, ASCII strings without escapes, plain numbers, a flat `data`
 * object. It answers the same event as `JSON.parse` + `toEvent`
 * (events-ingest-lines.ts) would, built by the same `buildEvent`, or
 * undefined for anything else (another shape, an escape, a byte past ASCII, a
 * value the checks refuse); the caller then takes the general path, which
 * also words every refusal: this scanner never refuses a line itself.
 *
 * Why: `JSON.parse` of the decoded line was ~2.4 µs of a line's ~6 µs in the
 * parse worker (ADR 0021). Here a key is compared in place with the key that
 * followed the previous one in the last line, and a dimension id, label or
 * amount whose bytes equal the previous line's reuses its string: a line of
 * repeated campaigns and placements makes strings only of its two ids.
 */
export class LineScanner {
  private readonly fields = new LineFields();
  /** Per memo slot: the bytes of the last string read, their count (-1: none) and the string (a UUID in lowercase). */
  private readonly memoBytes: Uint8Array[] = Array.from({ length: MEMO_SLOTS }, () => new Uint8Array(MEMO_BYTES));
  private readonly memoLength = new Int32Array(MEMO_SLOTS).fill(-1);
  private readonly memoValue: string[] = new Array(MEMO_SLOTS).fill('');
  /** Per field (and LINE_START), the key that followed it in the last line. */
  private readonly nextField = new Uint8Array(NAMES.length + 1);
  private readonly organization: Uint8Array;
  /** The line being read: the bytes and where its last byte (`}`) is. */
  private b: Uint8Array = new Uint8Array(0);
  private last = 0;
  /** Over `b`: a dimension id is compared with the last one as nine 32-bit words, not 36 bytes. */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private readonly memoWords = new Uint32Array(MEMO_SLOTS * 9);
  /** Out-values of the readers below, which answer the index after what they read (or -1: not this shape). */
  private text = '';
  /** Whether `string` took `text` from its memo (then there is nothing to remember). */
  private fromMemo = false;
  /** Where the sender's id starts in the line, -1 without one. */
  private senderIdAt = -1;
  private number = 0;
  private scalar: unknown;
  private data: Record<string, unknown> = {};

  constructor(private readonly options: LineScannerOptions) {
    this.organization = Uint8Array.from(Buffer.from(options.organizationId, 'latin1'));
  }

  /**
   * The event of the line in `bytes` from `start` to `end` (exclusive), which
   * must begin with `{` and end with `}`; or undefined to take the general path.
   */
  scan(bytes: Uint8Array, start: number, end: number): DeliveryEvent | undefined {
    if (bytes !== this.b) {
      this.b = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    this.last = end - 1;
    const fields = this.fields;
    fields.clear();
    this.senderIdAt = -1;
    let seen = 0;
    let previous: number = LINE_START;
    let i = this.skipSpace(start + 1);
    if (i >= this.last) return undefined;
    for (;;) {
      if (bytes[i] !== QUOTE) return undefined;
      const field = this.key(i + 1, previous);
      if (field === -1 || (seen & (1 << field)) !== 0) return undefined;
      seen |= 1 << field;
      previous = field;
      i = this.skipSpace(this.number);
      if (bytes[i] !== COLON) return undefined;
      i = this.value(field, this.skipSpace(i + 1));
      if (i === -1 || i > this.last) return undefined;
      i = this.skipSpace(i);
      if (i === this.last) break;
      if (bytes[i] !== COMMA) return undefined;
      i = this.skipSpace(i + 1);
    }
    if ((seen & REQUIRED) !== REQUIRED) return undefined;
    if (this.senderIdAt !== -1) fields.storedId = this.options.tenantIds.ofBytes(bytes, this.senderIdAt, fields.at);
    return buildEvent(fields, this.options.organizationId, this.options.tenantIds);
  }

  /** The field of the key whose text starts at `at`, or -1; `number` is then the index after its closing quote. */
  private key(at: number, previous: number): number {
    const b = this.b;
    const guess = this.nextField[previous] as number;
    const name = NAME_BYTES[guess] as Uint8Array;
    if (b[at + name.length] === QUOTE && this.equals(at, name, name.length)) {
      this.number = at + name.length + 1;
      return guess;
    }
    const close = this.stringEnd(at);
    if (close === -1) return -1;
    const field = FIELD_OF.get(latin1(b, at, close)) ?? -1;
    if (field !== -1) this.nextField[previous] = field;
    this.number = close + 1;
    return field;
  }

  /** Reads and checks the value of `field` at `i` into the fields; the index after it, or -1. */
  private value(field: number, i: number): number {
    const fields = this.fields;
    let end: number;
    switch (field) {
      case 0:
        // Hashed from its bytes once `at` is known (it may come later in the line): no string of it is made.
        if (this.b[i] !== QUOTE || this.b[i + 37] !== QUOTE || this.uuidKind(i + 1) === 0) return -1;
        this.senderIdAt = i + 1;
        return i + 38;
      case 1:
        end = this.type(i);
        fields.type = this.text as DeliveryEventType;
        return end;
      case 2:
        end = this.instant(i);
        fields.at = this.number;
        return end;
      case 3:
        return this.b[i] === QUOTE &&
          this.b[i + 1 + this.organization.length] === QUOTE &&
          this.equals(i + 1, this.organization, this.organization.length)
          ? i + this.organization.length + 2
          : -1;
      case 4:
        end = this.uuid(i);
        fields.decisionId = this.text;
        return end;
      case 5:
        end = this.dimension(field, i);
        fields.advertiserId = this.text;
        return end;
      case 6:
        end = this.dimension(field, i);
        fields.campaignId = this.text;
        return end;
      case 7:
        end = this.dimension(field, i);
        fields.lineItemId = this.text;
        return end;
      case 8:
        end = this.dimension(field, i);
        fields.creativeId = this.text;
        return end;
      case 9:
        end = this.dimension(field, i);
        fields.publisherId = this.text;
        return end;
      case 10:
        end = this.dimension(field, i);
        fields.siteId = this.text;
        return end;
      case 11:
        end = this.dimension(field, i);
        fields.placementId = this.text;
        return end;
      case 12:
        end = this.country(i);
        fields.country = this.text;
        return end;
      case 13:
        end = this.label(field, i);
        fields.region = this.text;
        return end;
      case 14:
        end = this.label(field, i);
        fields.deviceType = this.text;
        return end;
      case 15:
        end = this.label(field, i);
        fields.os = this.text;
        return end;
      case 16:
        end = this.label(field, i);
        fields.browser = this.text;
        return end;
      case 17:
        end = this.micros(field, i);
        fields.costMicros = this.text;
        return end;
      case 18:
        end = this.micros(field, i);
        fields.revenueMicros = this.text;
        return end;
      case 20:
        end = this.flatObject(i);
        fields.data = this.data;
        return end;
      default:
        return -1; // `invalid` is rare: the general path reads it
    }
  }

  private equals(at: number, bytes: Uint8Array, length: number): boolean {
    const b = this.b;
    for (let k = 0; k < length; k++) if (b[at + k] !== bytes[k]) return false;
    return true;
  }

  /** A string into `text`: the one of memo `slot` when the bytes are equal (the memo is not updated), else a new one. */
  private string(slot: number, i: number): number {
    const b = this.b;
    if (b[i] !== QUOTE) return -1;
    const length = this.memoLength[slot] as number;
    if (length !== -1 && b[i + 1 + length] === QUOTE && this.equals(i + 1, this.memoBytes[slot] as Uint8Array, length)) {
      this.text = this.memoValue[slot] as string;
      this.fromMemo = true;
      return i + length + 2;
    }
    const close = this.stringEnd(i + 1);
    if (close === -1) return -1;
    this.text = latin1(b, i + 1, close);
    this.fromMemo = false;
    return close + 1;
  }

  /** Keeps the string just read (from `from` to `to`, as `value`) in memo `slot`. */
  private remember(slot: number, from: number, to: number, value: string): void {
    const length = to - from;
    if (length > MEMO_BYTES) return;
    (this.memoBytes[slot] as Uint8Array).set(this.b.subarray(from, to));
    this.memoLength[slot] = length;
    this.memoValue[slot] = value;
  }

  /** Whether the 36 bytes at `at` are a UUID: 0 no, 1 in lowercase, 3 with uppercase hex digits. */
  private uuidKind(at: number): number {
    const b = this.b;
    let kinds = 1;
    for (let k = 0; k < 36; k++) {
      const code = b[at + k] as number;
      if (k === 8 || k === 13 || k === 18 || k === 23) {
        if (code !== MINUS) return 0;
        continue;
      }
      const kind = HEX_KIND[code] as number;
      if (kind === 0) return 0;
      kinds |= kind;
    }
    return kinds;
  }

  /** A UUID string into `text`, in lowercase. */
  private uuid(i: number): number {
    const b = this.b;
    if (b[i] !== QUOTE || b[i + 37] !== QUOTE) return -1;
    const kind = this.uuidKind(i + 1);
    if (kind === 0) return -1;
    const raw = latin1(b, i + 1, i + 37);
    this.text = kind === 1 ? raw : raw.toLowerCase();
    return i + 38;
  }

  private dimension(field: number, i: number): number {
    const b = this.b;
    if (this.memoLength[field] === 36 && b[i] === QUOTE && b[i + 37] === QUOTE && this.sameId(i + 1, field)) {
      this.text = this.memoValue[field] as string;
      return i + 38;
    }
    const end = this.uuid(i);
    if (end !== -1) {
      this.remember(field, i + 1, i + 37, this.text);
      for (let k = 0; k < 9; k++) this.memoWords[field * 9 + k] = this.view.getUint32(i + 1 + 4 * k, true);
    }
    return end;
  }

  /** Whether the 36 bytes at `at` (inside the line) are those of memo `slot`'s id. */
  private sameId(at: number, slot: number): boolean {
    const view = this.view;
    const words = this.memoWords;
    const from = slot * 9;
    for (let k = 0; k < 9; k++) if (view.getUint32(at + 4 * k, true) !== words[from + k]) return false;
    return true;
  }

  private type(i: number): number {
    const end = this.string(1, i);
    if (end === -1 || (!this.fromMemo && !INGEST_TYPES.has(this.text))) return -1;
    if (!this.fromMemo) this.remember(1, i + 1, end - 1, this.text);
    return end;
  }

  /** `at` as plain integer digits or a date-time string, inside the window, into `number`. */
  private instant(i: number): number {
    let end: number;
    if (this.b[i] === QUOTE) {
      const close = this.stringEnd(i + 1);
      if (close === -1) return -1;
      this.number = Date.parse(latin1(this.b, i + 1, close));
      if (!Number.isSafeInteger(this.number)) return -1;
      end = close + 1;
    } else {
      end = this.digits(i);
      if (end === -1) return -1;
    }
    return this.number >= this.options.oldestMs && this.number <= this.options.latestMs ? end : -1;
  }

  /** Plain integer digits (no sign, fraction or exponent, at most 15: a safe integer) into `number`. */
  private digits(i: number): number {
    const b = this.b;
    let value = 0;
    let j = i;
    for (let code = b[j]; isDigit(code); code = b[++j]) value = value * 10 + ((code as number) - ZERO);
    const count = j - i;
    if (count === 0 || count > 15 || (count > 1 && b[i] === ZERO)) return -1;
    if (b[j] === DOT || isExponent(b[j])) return -1;
    this.number = value;
    return j;
  }

  private country(i: number): number {
    const end = this.string(12, i);
    if (end !== i + 4 || !isCapital(this.text.charCodeAt(0)) || !isCapital(this.text.charCodeAt(1))) return -1;
    if (!this.fromMemo) this.remember(12, i + 1, i + 3, this.text);
    return end;
  }

  private label(field: number, i: number): number {
    const end = this.string(field, i);
    if (end === -1 || this.text.length === 0 || this.text.length > 64) return -1;
    if (!this.fromMemo) this.remember(field, i + 1, end - 1, this.text);
    return end;
  }

  /** Micros as plain digits (at most 15) or a string of at most 18 digits, without a leading zero; the digits into `text`. */
  private micros(field: number, i: number): number {
    const b = this.b;
    const quoted = b[i] === QUOTE;
    const from = quoted ? i + 1 : i;
    let to = from;
    while (isDigit(b[to])) to++;
    const count = to - from;
    if (count === 0 || count > (quoted ? 18 : 15) || (count > 1 && b[from] === ZERO)) return -1;
    if (quoted ? b[to] !== QUOTE : b[to] === DOT || isExponent(b[to])) return -1;
    const length = this.memoLength[field] as number;
    if (length === count && this.equals(from, this.memoBytes[field] as Uint8Array, count)) this.text = this.memoValue[field] as string;
    else {
      this.text = latin1(b, from, to);
      this.remember(field, from, to, this.text);
    }
    return quoted ? to + 1 : to;
  }

  /** A `data` object of string, number, boolean and null values, each key once and never `__proto__`, into `data`. */
  private flatObject(i: number): number {
    const b = this.b;
    if (b[i] !== OPEN) return -1;
    const data: Record<string, unknown> = {};
    i = this.skipSpace(i + 1);
    if (b[i] !== CLOSE) {
      for (let k = 0; ; k++) {
        const slot = k < DATA_MEMO ? DATA_KEY_MEMO + k : -1;
        const afterKey = slot === -1 ? this.string(DATA_KEY_MEMO, i) : this.memoString(slot, i);
        const key = this.text;
        // A repeated key or `__proto__` reads differently in JSON.parse than in an assignment: the general path.
        if (afterKey === -1 || key === '__proto__' || key in data) return -1;
        i = this.skipSpace(afterKey);
        if (b[i] !== COLON) return -1;
        const afterValue = this.dataValue(this.skipSpace(i + 1), k);
        if (afterValue === -1) return -1;
        data[key] = this.scalar;
        i = this.skipSpace(afterValue);
        if (b[i] === CLOSE) break;
        if (b[i] !== COMMA) return -1;
        i = this.skipSpace(i + 1);
      }
    }
    this.data = data;
    return i + 1;
  }

  /** One flat `data` value into `scalar`; the index after it, or -1. */
  private dataValue(i: number, position: number): number {
    const b = this.b;
    const code = b[i];
    if (code === QUOTE) {
      const end = position < DATA_MEMO ? this.memoString(DATA_VALUE_MEMO + position, i) : this.string(DATA_VALUE_MEMO, i);
      this.scalar = this.text;
      return end;
    }
    if (code === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) this.scalar = true;
    else if (code === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) this.scalar = null;
    else if (code === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) {
      this.scalar = false;
      return i + 5;
    } else {
      const end = this.jsonNumber(i);
      this.scalar = this.number;
      return end;
    }
    return i + 4;
  }

  /** A string into `text` through memo `slot`, which then holds it. */
  private memoString(slot: number, i: number): number {
    const end = this.string(slot, i);
    if (end !== -1 && !this.fromMemo) this.remember(slot, i + 1, end - 1, this.text);
    return end;
  }

  /** A number in JSON's grammar into `number` (plain integers summed here, others by Number, as JSON.parse reads them). */
  private jsonNumber(i: number): number {
    const end = this.digits(i);
    if (end !== -1) return end;
    const b = this.b;
    let j = i;
    if (b[j] === MINUS) j++;
    if (b[j] === ZERO) j++;
    else if (isDigit(b[j])) while (isDigit(b[j])) j++;
    else return -1;
    if (b[j] === DOT) {
      if (!isDigit(b[++j])) return -1;
      while (isDigit(b[j])) j++;
    }
    if (isExponent(b[j])) {
      const sign = b[++j];
      if (sign === PLUS || sign === MINUS) j++;
      if (!isDigit(b[j])) return -1;
      while (isDigit(b[j])) j++;
    }
    this.number = Number(latin1(b, i, j));
    return j;
  }

  /** JSON's whitespace only (space, tab, CR; a line holds no LF): anything else is for JSON.parse to refuse. */
  private skipSpace(i: number): number {
    const b = this.b;
    for (let code = b[i]; (code === 0x20 || code === 0x09 || code === 0x0d) && i < this.last; code = b[++i]);
    return i;
  }

  /** The closing quote of an ASCII string whose text starts at `at`; -1 at an escape, a control or non-ASCII byte, or the line's end. */
  private stringEnd(at: number): number {
    const b = this.b;
    for (let i = at; i < this.last; i++) {
      const code = b[i] as number;
      if (code === QUOTE) return i;
      if (code === BACKSLASH || code < 0x20 || code >= 0x80) return -1;
    }
    return -1;
  }
}

/** ASCII bytes as a string (the scanner only makes strings of bytes it has checked are ASCII). */
function latin1(bytes: Uint8Array, from: number, to: number): string {
  return (bytes as Buffer).toString('latin1', from, to);
}
