import { invert, multiply, ONE, type Rational, rationalOfNumber } from './rational.js';

/**
 * Exchange rates for converting bids to the exchange's currency. The table is
 * `conversions[FROM][TO] = rate` (1 FROM = rate TO), the shape of Prebid's
 * currency file, read from a configurable URL and refreshed periodically;
 * without a URL, or until the first fetch succeeds, the static table below.
 *
 * Rates are kept as exact decimals (the text of the JSON number); a conversion
 * composes at most two rates (direct, inverse, or through a pivot currency
 * both sides know) and rounds once, toward zero, to whole micros.
 */
export interface RatesTable {
  /** The date the rates are from (YYYY-MM-DD), as the source says. */
  readonly dataAsOf: string;
  readonly conversions: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * Shipped so the exchange converts out of the box. Indicative USD rates of
 * early January 2025 (rounded); set ADPLATFORM_CURRENCY_RATES_URL for real ones.
 */
export const STATIC_RATES: RatesTable = {
  dataAsOf: '2025-01-02',
  conversions: {
    USD: {
      EUR: 0.96,
      GBP: 0.8,
      JPY: 157.2,
      CAD: 1.44,
      AUD: 1.61,
      CHF: 0.91,
      SEK: 11.03,
      NOK: 11.35,
      DKK: 7.17,
      PLN: 4.12,
      BRL: 6.18,
      INR: 85.7,
      CNY: 7.3,
      MXN: 20.6,
    },
  },
};

const CODE = /^[A-Z]{3}$/;

export interface CurrencyRates {
  /** The rate of 1 `from` in `to`, exact; undefined when the table cannot relate them. Same currency: 1. */
  rate(from: string, to: string): Rational | undefined;
  readonly dataAsOf: string;
  /** Epoch ms of the last successful load (0 for the static table). */
  readonly loadedAtMs: number;
}

/** An immutable rates object over one table. Throws on a malformed table (see `parseRatesTable`). */
export function createCurrencyRates(table: RatesTable = STATIC_RATES, loadedAtMs = 0): CurrencyRates {
  const direct = new Map<string, Rational>();
  for (const [from, targets] of Object.entries(table.conversions)) {
    for (const [to, value] of Object.entries(targets)) {
      const rate = rationalOfNumber(value);
      if (rate && rate.num > 0n) direct.set(`${from}:${to}`, rate);
    }
  }
  const lookup = (from: string, to: string): Rational | undefined => {
    const forward = direct.get(`${from}:${to}`);
    if (forward) return forward;
    const backward = direct.get(`${to}:${from}`);
    return backward ? invert(backward) : undefined;
  };
  const pivots = [...new Set(Object.keys(table.conversions))];
  const cache = new Map<string, Rational | null>();
  return {
    dataAsOf: table.dataAsOf,
    loadedAtMs,
    rate(from, to) {
      if (from === to) return ONE;
      const key = `${from}:${to}`;
      const cached = cache.get(key);
      if (cached !== undefined) return cached ?? undefined;
      let found = lookup(from, to);
      for (const pivot of pivots) {
        if (found) break;
        const first = lookup(from, pivot);
        const second = lookup(pivot, to);
        if (first && second) found = multiply(first, second);
      }
      if (cache.size < 10_000) cache.set(key, found ?? null);
      return found;
    },
  };
}

/** Validates a rates document; returns the table or a one-line reason. */
export function parseRatesTable(json: unknown): RatesTable | string {
  if (typeof json !== 'object' || json === null) return 'not a JSON object';
  const { conversions, dataAsOf } = json as Record<string, unknown>;
  if (typeof conversions !== 'object' || conversions === null) return 'conversions must be an object';
  const out: Record<string, Record<string, number>> = {};
  let count = 0;
  for (const [from, targets] of Object.entries(conversions)) {
    if (!CODE.test(from)) return `conversions.${from} is not an ISO 4217 code`;
    if (typeof targets !== 'object' || targets === null) return `conversions.${from} must be an object`;
    const row: Record<string, number> = {};
    for (const [to, value] of Object.entries(targets)) {
      if (!CODE.test(to)) return `conversions.${from}.${to} is not an ISO 4217 code`;
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return `conversions.${from}.${to} must be a positive number`;
      row[to] = value;
      count++;
    }
    out[from] = row;
  }
  if (count === 0) return 'conversions is empty';
  return { dataAsOf: typeof dataAsOf === 'string' ? dataAsOf.slice(0, 32) : 'unknown', conversions: out };
}

export interface RatesRefreshOptions {
  url: string;
  intervalMs: number;
  /** Injected in tests; global fetch otherwise. */
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  onError?: (reason: string) => void;
}

/** A CurrencyRates whose table a background job replaces from `url` every `intervalMs`. */
export interface RefreshingRates extends CurrencyRates {
  /** Fetches now; resolves true when the table was replaced. Never rejects. */
  refresh(): Promise<boolean>;
  stop(): void;
}

export function createRefreshingRates(options: RatesRefreshOptions, initial: RatesTable = STATIC_RATES): RefreshingRates {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let current = createCurrencyRates(initial);
  const refresh = async (): Promise<boolean> => {
    try {
      const response = await doFetch(options.url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const table = parseRatesTable(await response.json());
      if (typeof table === 'string') throw new Error(table);
      current = createCurrencyRates(table, now());
      return true;
    } catch (error) {
      options.onError?.(error instanceof Error ? error.message : String(error));
      return false;
    }
  };
  const timer = setInterval(() => void refresh(), options.intervalMs);
  timer.unref();
  void refresh();
  return {
    get dataAsOf() {
      return current.dataAsOf;
    },
    get loadedAtMs() {
      return current.loadedAtMs;
    },
    rate: (from, to) => current.rate(from, to),
    refresh,
    stop: () => clearInterval(timer),
  };
}
