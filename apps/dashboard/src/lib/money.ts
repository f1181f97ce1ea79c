/**
 * Money in the dashboard: people type currency units ("12.50"), the API takes
 * integer micros (12_500_000). Parsing and formatting work on the digits as
 * strings and bigint, never on floating point, so no amount is ever rounded.
 */

export const MICROS_PER_UNIT = 1_000_000n;
/** The API's largest integer (JSON numbers are exact up to 2^53 − 1). */
export const MAX_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

export type MoneyParse = { ok: true; micros: bigint } | { ok: false; message: string };

const GROUPED = /^\d{1,3}(,\d{3})+(\.\d*)?$/;
const PLAIN = /^(\d*)(?:\.(\d*))?$/;

/** "1,234.56" or "1234.56" or ".5" → micros. At most 6 decimals; no sign, no exponent. */
export function parseMoney(input: string): MoneyParse {
  let text = input.trim();
  if (text === '') return { ok: false, message: 'Enter an amount' };
  if (text.startsWith('-')) return { ok: false, message: 'The amount cannot be negative' };
  if (GROUPED.test(text)) text = text.replaceAll(',', '');
  const match = PLAIN.exec(text);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) return { ok: false, message: 'Enter a number such as 12.50' };
  if (fraction.length > 6) return { ok: false, message: 'Use at most 6 decimal places' };
  const micros = BigInt(whole || '0') * MICROS_PER_UNIT + BigInt(fraction.padEnd(6, '0'));
  if (micros > MAX_MICROS) return { ok: false, message: 'The amount is too large' };
  return { ok: true, micros };
}

function toBigInt(micros: bigint | number | string): bigint {
  if (typeof micros === 'bigint') return micros;
  if (typeof micros === 'number' && !Number.isSafeInteger(micros)) throw new RangeError(`not an integer number of micros: ${micros}`);
  return BigInt(micros);
}

function split(micros: bigint, minDecimals: number): { sign: string; whole: string; fraction: string } {
  const sign = micros < 0n ? '-' : '';
  const abs = micros < 0n ? -micros : micros;
  const whole = (abs / MICROS_PER_UNIT).toString();
  let fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, '0');
  while (fraction.length > minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return { sign, whole, fraction };
}

/** Micros → "1,234.50" (grouped, at least two decimals, up to six). */
export function formatMicros(micros: bigint | number | string, minDecimals = 2): string {
  const { sign, whole, fraction } = split(toBigInt(micros), minDecimals);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/** Micros → "1234.5" for an input's value (no grouping, no trailing zeros). */
export function microsToInput(micros: bigint | number | string | null | undefined): string {
  if (micros === null || micros === undefined) return '';
  const { sign, whole, fraction } = split(toBigInt(micros), 0);
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Micros → "1,234.50 USD". */
export function formatMoney(micros: bigint | number | string | null | undefined, currency = ''): string {
  if (micros === null || micros === undefined) return '—';
  return currency ? `${formatMicros(micros)} ${currency}` : formatMicros(micros);
}

/** For the JSON body: exact because parseMoney caps amounts at MAX_MICROS. */
export function microsToJson(micros: bigint): number {
  if (micros > MAX_MICROS || micros < -MAX_MICROS) throw new RangeError('amount out of the exact JSON range');
  return Number(micros);
}
