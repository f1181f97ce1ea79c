import { formatMicros } from './rational.js';

/**
 * OpenRTB substitution macros in notice URLs (nurl, burl, lurl) and markup.
 * Pure: a template and the auction's facts in, the text out. Each known macro
 * is replaced by its value (encoded by `encode`, URL-component encoding by
 * default) or by nothing when the auction has no value for it; anything else
 * that looks like a macro (`${AUCTION_PRICE:B64}`, another exchange's) is left
 * untouched. Prices are written in currency units from exact micros, without
 * trailing zeros: 1_250_000 micros → `1.25`.
 */
export interface AuctionMacroValues {
  auctionId: string;
  bidId: string;
  impId: string;
  seatId: string;
  /** bid.adid */
  adId?: string | undefined;
  /** The clearing price, micros of `currency`. */
  priceMicros?: number | bigint | undefined;
  currency?: string | undefined;
  /** OpenRTB loss reason code (lurl). */
  lossCode?: number | undefined;
  /** The lowest bid that would have won, micros of `currency` (lurl). */
  minToWinMicros?: number | bigint | undefined;
}

export const AUCTION_MACROS = [
  'AUCTION_ID',
  'AUCTION_BID_ID',
  'AUCTION_IMP_ID',
  'AUCTION_SEAT_ID',
  'AUCTION_AD_ID',
  'AUCTION_PRICE',
  'AUCTION_CURRENCY',
  'AUCTION_LOSS',
  'AUCTION_MIN_TO_WIN',
] as const;

export type AuctionMacro = (typeof AUCTION_MACROS)[number];

const MACRO = /\$\{(AUCTION_[A-Z_]+)\}/g;

function macroValue(name: string, values: AuctionMacroValues): string | undefined | null {
  switch (name) {
    case 'AUCTION_ID':
      return values.auctionId;
    case 'AUCTION_BID_ID':
      return values.bidId;
    case 'AUCTION_IMP_ID':
      return values.impId;
    case 'AUCTION_SEAT_ID':
      return values.seatId;
    case 'AUCTION_AD_ID':
      return values.adId;
    case 'AUCTION_PRICE':
      return values.priceMicros === undefined ? undefined : formatMicros(values.priceMicros);
    case 'AUCTION_CURRENCY':
      return values.currency;
    case 'AUCTION_LOSS':
      return values.lossCode === undefined ? undefined : String(values.lossCode);
    case 'AUCTION_MIN_TO_WIN':
      return values.minToWinMicros === undefined ? undefined : formatMicros(values.minToWinMicros);
    default:
      return null; // not one of ours: leave it
  }
}

export function substituteMacros(
  template: string,
  values: AuctionMacroValues,
  encode: (value: string) => string = encodeURIComponent,
): string {
  if (!template.includes('${')) return template;
  return template.replace(MACRO, (whole, name: string) => {
    const value = macroValue(name, values);
    if (value === null) return whole;
    return value === undefined ? '' : encode(value);
  });
}
