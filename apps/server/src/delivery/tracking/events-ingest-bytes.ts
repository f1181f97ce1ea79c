// The byte grammar of a `POST /t/events` line for events-ingest-scanner.ts: the schema's keys (a key's index is its bit
// in the scanner's set of keys seen), the memo slots, the bytes of JSON's punctuation and character classes.
import { DELIVERY_EVENT_KEYS } from '@adplatform/ports';

/** The keys of the event schema; a field's index is its bit in the scanner's set of keys seen. */
export const NAMES = DELIVERY_EVENT_KEYS;
export const NAME_BYTES = NAMES.map((name) => Uint8Array.from(Buffer.from(name, 'latin1')));
export const FIELD_OF = new Map<string, number>(NAMES.map((name, index) => [name, index]));
/** The "previous key" of a line's first key, for the guess of the next key. */
export const LINE_START = NAMES.length;
export const REQUIRED = (1 << 1) | (1 << 2); // type and at
/** `data` keys and string values remembered by position. */
export const DATA_MEMO = 8;
export const MEMO_SLOTS = NAMES.length + 2 * DATA_MEMO;
export const DATA_KEY_MEMO = NAMES.length;
export const DATA_VALUE_MEMO = NAMES.length + DATA_MEMO;
/** The longest string a memo slot keeps (labels are at most 64 characters). */
export const MEMO_BYTES = 64;

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const OPEN = 0x7b;
export const CLOSE = 0x7d;
export const MINUS = 0x2d;
export const PLUS = 0x2b;
export const DOT = 0x2e;
export const ZERO = 0x30;

/** Per byte: 1 a lowercase hex digit, 2 an uppercase one, 0 anything else. */
export const HEX_KIND = new Uint8Array(256);
for (let c = 0; c < 10; c++) HEX_KIND[48 + c] = 1;
for (let c = 0; c < 6; c++) {
  HEX_KIND[97 + c] = 1;
  HEX_KIND[65 + c] = 2;
}

export const isDigit = (code: number | undefined) => code !== undefined && code >= 0x30 && code <= 0x39;
export const isExponent = (code: number | undefined) => code === 0x65 || code === 0x45;
