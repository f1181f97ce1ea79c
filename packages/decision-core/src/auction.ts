/**
 * The auction step of the price-priority tier, shared by `decide` (direct line items and outside
 * bids in one ranking) and the OpenRTB exchange. Prices are CPM in integer micros.
 *
 * - First price: the winner pays its own bid.
 * - Second price: the winner pays the higher of the runner-up's bid and the floor, plus one cent CPM
 *   (`SECOND_PRICE_INCREMENT_MICROS`), never more than its own bid. A lone bid pays floor + 1 cent.
 * Bids under the floor do not take part. Equal bids: the first in the given order wins (callers
 * that want a random order shuffle first; `decide` orders equal bids by its seeded tie key).
 */
export type AuctionType = 'first' | 'second';

export const SECOND_PRICE_INCREMENT_MICROS = 10_000;

export interface AuctionBid {
  /** CPM, micros. */
  readonly ecpmMicros: number;
}

export interface AuctionOptions {
  readonly floorMicros: number;
  readonly type: AuctionType;
}

export interface AuctionOutcome<B extends AuctionBid> {
  readonly winner: B;
  /** What the winner pays, CPM micros. */
  readonly priceMicros: number;
  /** The best losing bid at or above the floor, if any. */
  readonly runnerUp: B | undefined;
}

/** The clearing price of a winning bid, CPM micros. */
export function clearingPriceMicros(bidMicros: number, runnerUpMicros: number | undefined, options: AuctionOptions): number {
  if (options.type === 'first') return bidMicros;
  const base = Math.max(runnerUpMicros ?? 0, options.floorMicros);
  return Math.min(bidMicros, base + SECOND_PRICE_INCREMENT_MICROS);
}

export function runAuction<B extends AuctionBid>(bids: readonly B[], options: AuctionOptions): AuctionOutcome<B> | undefined {
  let winner: B | undefined;
  let runnerUp: B | undefined;
  for (const bid of bids) {
    if (!(bid.ecpmMicros >= options.floorMicros)) continue;
    if (winner === undefined || bid.ecpmMicros > winner.ecpmMicros) {
      runnerUp = winner;
      winner = bid;
    } else if (runnerUp === undefined || bid.ecpmMicros > runnerUp.ecpmMicros) runnerUp = bid;
  }
  if (winner === undefined) return undefined;
  return { winner, runnerUp, priceMicros: clearingPriceMicros(winner.ecpmMicros, runnerUp?.ecpmMicros, options) };
}
