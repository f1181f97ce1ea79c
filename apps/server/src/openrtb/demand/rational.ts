/**
 * Exact decimal arithmetic for prices, rates and bid adjustments: a value is a
 * fraction of two bigints, so conversions multiply exactly and round once, at
 * the end, to whole micros. No floating point touches money here.
 */
export interface Rational {
  readonly num: bigint;
  /** Always > 0. */
  readonly den: bigint;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Exponents beyond this are nonsense for prices and rates (and would make huge bigints). */
const MAX_EXPONENT = 40;

export const ONE: Rational = { num: 1n, den: 1n };

/**
 * The exact value of a decimal text (`12`, `-0.25`, `1.5e-3`), or undefined when
 * it is not one. JSON numbers are read through `String(n)`: the shortest decimal
 * that round-trips the double, i.e. the text the partner sent for any price of
 * up to 15 significant digits.
 */
export function parseDecimal(text: string): Rational | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  if (Math.abs(exponent) > MAX_EXPONENT + 30) return undefined;
  const digits = BigInt(`${whole}${fraction}`) * (sign === '-' ? -1n : 1n);
  return exponent >= 0 ? { num: digits * 10n ** BigInt(exponent), den: 1n } : reduce(digits, 10n ** BigInt(-exponent));
}

/** parseDecimal of a finite JSON number; undefined for NaN, ±Infinity or non-numbers. */
export function rationalOfNumber(value: unknown): Rational | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return parseDecimal(String(value));
}

export function multiply(a: Rational, b: Rational): Rational {
  return reduce(a.num * b.num, a.den * b.den);
}

/** 1 / r; undefined for zero. */
export function invert(r: Rational): Rational | undefined {
  if (r.num === 0n) return undefined;
  return r.num < 0n ? { num: -r.den, den: -r.num } : { num: r.den, den: r.num };
}

/**
 * `micros × r`, rounded toward zero to whole micros. One rounding per
 * conversion: compose the rates with `multiply` first, then call this once.
 * Truncation means a converted bid is never worth more than its exact value
 * (at most 1 micro less).
 */
export function scaleMicros(micros: bigint, r: Rational): bigint {
  return (micros * r.num) / r.den;
}

/** A decimal amount of currency units (e.g. a CPM `1.25`) to whole micros, toward zero. */
export function unitsToMicros(units: Rational): bigint {
  return (units.num * 1_000_000n) / units.den;
}

/** Micros as a plain decimal of units without trailing zeros: 1_500_000n → "1.5", 7n → "0.000007". */
export function formatMicros(micros: bigint | number): string {
  const value = BigInt(micros);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function reduce(num: bigint, den: bigint): Rational {
  const divisor = gcd(num < 0n ? -num : num, den);
  return divisor > 1n ? { num: num / divisor, den: den / divisor } : { num, den };
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}
