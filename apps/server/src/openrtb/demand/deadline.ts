/**
 * Time budgets, after Prebid Server's `tmax_adjustments`:
 * - the auction: tmax = the request's `tmax` (or a default), capped at a maximum;
 *   answers from partners must be in by `received + tmax − responsePreparationMs`
 *   (the time we need afterwards to run the auction and answer);
 * - a partner: the tmax it is told is what is left until then, less a network
 *   latency buffer for its answer to travel back, and never more than its own
 *   `timeoutMs`; we wait for it until the deadline or `timeoutMs`, whichever is
 *   first. A partner whose tmax would be under `minResponseMs` is not called
 *   (nobody answers usefully in less).
 */
export interface TmaxPolicy {
  /** tmax when the request has none. */
  defaultTmaxMs: number;
  /** Largest tmax honoured. */
  maxTmaxMs: number;
  /** Kept for the exchange after the partners' deadline (auction, response). */
  responsePreparationMs: number;
  /** Taken off each partner's tmax for the network round trip. */
  networkBufferMs: number;
  /** A partner is not called with less tmax than this. */
  minResponseMs: number;
}

export const DEFAULT_TMAX_POLICY: TmaxPolicy = {
  defaultTmaxMs: 500,
  maxTmaxMs: 3000,
  responsePreparationMs: 15,
  networkBufferMs: 15,
  minResponseMs: 50,
};

/** Epoch ms by which every partner's answer must be in (FanoutRequest.deadlineMs). */
export function auctionDeadline(receivedAtMs: number, requestTmaxMs: unknown, policy: TmaxPolicy = DEFAULT_TMAX_POLICY): number {
  const asked =
    typeof requestTmaxMs === 'number' && Number.isFinite(requestTmaxMs) && requestTmaxMs > 0 ? requestTmaxMs : policy.defaultTmaxMs;
  return receivedAtMs + Math.min(asked, policy.maxTmaxMs) - policy.responsePreparationMs;
}

export interface PartnerBudget {
  /** The `tmax` written into the partner's request. */
  tmaxMs: number;
  /** How long we wait for its answer from now. */
  waitMs: number;
}

/** The partner's budget now, or undefined when it is not worth calling. */
export function partnerBudget(
  nowMs: number,
  deadlineMs: number,
  partnerTimeoutMs: number,
  policy: Pick<TmaxPolicy, 'networkBufferMs' | 'minResponseMs'>,
): PartnerBudget | undefined {
  const remainingMs = Math.floor(deadlineMs - nowMs);
  const tmaxMs = Math.min(partnerTimeoutMs, remainingMs - policy.networkBufferMs);
  if (tmaxMs < policy.minResponseMs) return undefined;
  return { tmaxMs, waitMs: Math.min(partnerTimeoutMs, remainingMs) };
}
