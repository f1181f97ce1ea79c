import { gzipSync } from 'node:zlib';
import { readBidResponse } from './bid-response.js';
import { type BreakerOptions, type BreakerState, CircuitBreaker, DEFAULT_BREAKER } from './circuit-breaker.js';
import type { CurrencyRates } from './currency-rates.js';
import { DEFAULT_TMAX_POLICY, type PartnerBudget, partnerBudget, type TmaxPolicy } from './deadline.js';
import type { DemandFanout, DemandPartnerTarget, FanoutOutcome, FanoutRequest, NonBid, PartnerBid, PartnerCall } from './demand-types.js';
import { createOutboundClient, type OutboundClient, OutboundError, type OutboundFailure } from './outbound-client.js';
import { ONE, type Rational, rationalOfNumber } from './rational.js';
import { SEAT_NON_BID } from './reason-codes.js';
import { TokenBucket } from './token-bucket.js';

export interface DemandFanoutOptions {
  rates: CurrencyRates;
  /** ADPLATFORM_ALLOW_PRIVATE_OUTBOUND, for the client the fan-out makes when none is given. */
  allowPrivateOutbound: boolean;
  /** Shared with the notice notifier; the fan-out makes (and closes) its own otherwise. */
  client?: OutboundClient;
  /** Epoch ms, the exchange's clock (FanoutRequest.deadlineMs is on it). */
  now?: () => number;
  policy?: Partial<Pick<TmaxPolicy, 'networkBufferMs' | 'minResponseMs'>>;
  breaker?: Partial<BreakerOptions>;
  /** Default for partners without `requestGzip`. Default true. */
  requestGzip?: boolean;
  /** Bodies shorter than this go uncompressed even when gzip is on (below a packet, gzip costs CPU for nothing). Default 1024. */
  gzipMinBytes?: number;
  /** How long a partner that answered 415 to a gzipped request gets plain JSON. Default 1 h. */
  plainFallbackMs?: number;
}

interface PartnerState {
  bucket: TokenBucket;
  breaker: CircuitBreaker;
  adjustment: { factor: number; rational: Rational };
  /** Until when requests go uncompressed (after a 415). */
  plainUntilMs: number;
}

interface CallResult {
  bids: PartnerBid[];
  nonBids: NonBid[];
  call: PartnerCall;
}

/** A partner's call under way: it settles on its answer, or as a timeout when its own wait ends or `expire` is called. */
interface PartnerRun {
  readonly settled: Promise<CallResult>;
  /** The call's result; a call still out counts as a timeout from now on (its request is torn down on the next turn). */
  expire(): CallResult;
}

const FAILURE_CODE: Record<OutboundFailure, number> = {
  timeout: SEAT_NON_BID.ERROR_TIMEOUT,
  unreachable: SEAT_NON_BID.ERROR_BIDDER_UNREACHABLE,
  'refused-address': SEAT_NON_BID.REQUEST_BLOCKED_GENERAL,
  'too-large': SEAT_NON_BID.ERROR_INVALID_BID_RESPONSE,
  error: SEAT_NON_BID.ERROR_GENERAL,
};

/**
 * The outside demand of the exchange: every eligible partner is called in
 * parallel, each with its own deadline, QPS cap and circuit breaker; answers
 * are validated, converted to the exchange currency and adjusted. `collect`
 * always resolves, by the request's deadline (plus timer latency), whatever the
 * partners do; a partner that fails becomes a non-bid. See docs/openrtb-demand.md.
 */
export interface DemandFanoutHandle extends DemandFanout {
  /** The partner's breaker state; undefined for a partner never called. For metrics and tests. */
  breakerState(partnerId: string): BreakerState | undefined;
}

export function createDemandFanout(options: DemandFanoutOptions): DemandFanoutHandle {
  const now = options.now ?? Date.now;
  const policy = { ...DEFAULT_TMAX_POLICY, ...options.policy };
  const breakerOptions = { ...DEFAULT_BREAKER, ...options.breaker };
  const ownClient = options.client === undefined;
  const client = options.client ?? createOutboundClient({ allowPrivate: options.allowPrivateOutbound });
  const plainFallbackMs = options.plainFallbackMs ?? 3_600_000;
  const gzipMinBytes = options.gzipMinBytes ?? 1024;
  const states = new Map<string, PartnerState>();

  const stateOf = (partner: DemandPartnerTarget, nowMs: number): PartnerState => {
    let state = states.get(partner.id);
    if (!state) {
      state = {
        bucket: new TokenBucket(partner.qpsLimit, nowMs),
        breaker: new CircuitBreaker(breakerOptions),
        adjustment: { factor: Number.NaN, rational: ONE },
        plainUntilMs: 0,
      };
      states.set(partner.id, state);
    }
    state.bucket.setRate(partner.qpsLimit);
    if (state.adjustment.factor !== partner.bidAdjustment) {
      const rational = rationalOfNumber(partner.bidAdjustment);
      state.adjustment = { factor: partner.bidAdjustment, rational: rational && rational.num > 0n ? rational : ONE };
    }
    return state;
  };

  /**
   * One partner's call. It settles on its answer, or as a timeout when its wait ends: then at once, with no socket work
   * first. The abort that tears the request down runs on a later turn of the event loop, after whatever waits on the
   * call (the auction) has gone on: at the deadline, each slow partner's teardown would otherwise run before the next
   * partner's timer and hold the auction back by all of them in turn. An answer after the settlement is dropped. The
   * wait's end is this call's own timer when the partner's timeout comes before the auction's deadline; the deadline
   * itself is collect()'s one timer for all calls.
   */
  const callPartner = (
    partner: DemandPartnerTarget,
    state: PartnerState,
    work: { request: FanoutRequest; imps: FanoutRequest['request']['imp']; budget: PartnerBudget; isProbe: boolean },
  ): PartnerRun => {
    const { request, imps, budget } = work;
    const startedMs = now();
    const controller = new AbortController();
    const fail = (code: number, reason: string): CallResult['nonBids'] => [{ partnerId: partner.id, code, reason }];
    let status: number | undefined;
    let settle!: (result: CallResult) => void;
    const settled = new Promise<CallResult>((resolve) => {
      settle = resolve;
    });
    let outcome: CallResult | undefined;
    const finish = (result: Pick<CallResult, 'bids' | 'nonBids'>, healthy: boolean): CallResult => {
      if (outcome) return outcome;
      clearTimeout(timer);
      const endedMs = now();
      state.breaker.record(healthy, endedMs, work.isProbe);
      outcome = {
        ...result,
        call: { partnerId: partner.id, outcome: 'called', status, durationMs: endedMs - startedMs, tmaxMs: budget.tmaxMs },
      };
      settle(outcome);
      return outcome;
    };
    const expire = (): CallResult => {
      if (outcome) return outcome;
      const timedOut = finish({ bids: [], nonBids: fail(FAILURE_CODE.timeout, 'timeout: deadline reached') }, false);
      setImmediate(() => controller.abort());
      return timedOut;
    };
    // From now, not from the start of collect(): the calls before this one took time to set up.
    const waitMs = Math.max(0, Math.min(partner.timeoutMs, request.deadlineMs - startedMs, budget.waitMs));
    const timer = waitMs < request.deadlineMs - startedMs ? setTimeout(expire, waitMs) : undefined;
    void (async () => {
      let result: Pick<CallResult, 'bids' | 'nonBids'>;
      let healthy = false;
      let gzip = false;
      try {
        // Inside the try: a request that cannot be serialized (a BigInt somewhere) is this partner's non-bid, not a rejection.
        const json = Buffer.from(JSON.stringify({ ...request.request, imp: imps, tmax: budget.tmaxMs }));
        gzip = (partner.requestGzip ?? options.requestGzip ?? true) && state.plainUntilMs <= startedMs && json.length >= gzipMinBytes;
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'x-openrtb-version': '2.6',
          'accept-encoding': 'gzip',
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        };
        const body = gzip ? gzipSync(json, { level: 1 }) : json;
        const answer = await client.request({ method: 'POST', url: partner.endpointUrl, headers, body, signal: controller.signal });
        if (outcome) return; // too late: the partner already counts as a timeout
        status = answer.status;
        if (status === 204) {
          healthy = true;
          result = { bids: [], nonBids: fail(SEAT_NON_BID.NO_BID, 'no bid (HTTP 204)') };
        } else if (status === 200) {
          const read = readBidResponse(answer.body, {
            partnerId: partner.id,
            requestId: request.request.id,
            offeredImpIds: new Set(imps.map((imp) => imp.id)),
            currency: request.currency,
            rates: options.rates,
            adjustment: state.adjustment.rational,
          });
          healthy = read.healthy;
          result = read;
        } else if (status === 415 && gzip) {
          state.plainUntilMs = startedMs + plainFallbackMs;
          healthy = true;
          result = { bids: [], nonBids: fail(SEAT_NON_BID.ERROR_GENERAL, 'HTTP 415 to a gzipped request: plain JSON from now on') };
        } else {
          result = { bids: [], nonBids: fail(SEAT_NON_BID.ERROR_GENERAL, `HTTP ${status}`) };
        }
      } catch (error) {
        const kind: OutboundFailure = error instanceof OutboundError ? error.kind : 'error';
        const reason = error instanceof OutboundError ? `${kind}: ${error.message}` : 'error';
        result = { bids: [], nonBids: fail(FAILURE_CODE[kind], reason) };
      }
      finish(result, healthy);
    })();
    return { settled, expire };
  };

  return {
    async collect(partners, request) {
      const startMs = now();
      const bids: PartnerBid[] = [];
      const nonBids: NonBid[] = [];
      const calls: PartnerCall[] = [];
      const runs: PartnerRun[] = [];
      // One timer for the auction's deadline, made before any partner's request is built: when it fires, every call still
      // out is a timeout at once, and collect() answers.
      let endAll!: () => void;
      const deadline = new Promise<void>((resolve) => {
        endAll = resolve;
      });
      const deadlineTimer = setTimeout(endAll, Math.max(0, request.deadlineMs - startMs));
      for (const partner of partners) {
        const imps = offeredImps(partner, request);
        if (imps.length === 0) continue;
        const state = stateOf(partner, startMs);
        const skip = (outcome: PartnerCall['outcome'], code: number, reason: string) => {
          nonBids.push({ partnerId: partner.id, code, reason });
          calls.push({ partnerId: partner.id, outcome });
        };
        const verdict = state.breaker.allow(startMs);
        if (verdict === 'refuse') {
          skip('breaker-open', SEAT_NON_BID.REQUEST_BLOCKED_GENERAL, 'circuit breaker open: the partner keeps failing');
          continue;
        }
        const budget = partnerBudget(startMs, request.deadlineMs, partner.timeoutMs, policy);
        if (!budget) {
          if (verdict === 'probe') state.breaker.cancelProbe();
          skip('no-time', SEAT_NON_BID.REQUEST_BLOCKED_GENERAL, 'insufficient auction time left to call the partner');
          continue;
        }
        if (!state.bucket.tryTake(startMs)) {
          if (verdict === 'probe') state.breaker.cancelProbe();
          skip('qps-capped', SEAT_NON_BID.REQUEST_BLOCKED_OPTIMIZED, `over the partner's QPS cap (${partner.qpsLimit}/s)`);
          continue;
        }
        runs.push(callPartner(partner, state, { request, imps, budget, isProbe: verdict === 'probe' }));
      }
      await Promise.race([Promise.all(runs.map((run) => run.settled)), deadline]);
      clearTimeout(deadlineTimer);
      for (const result of runs.map((run) => run.expire())) {
        bids.push(...result.bids);
        nonBids.push(...result.nonBids);
        calls.push(result.call);
      }
      return { bids, nonBids, calls } satisfies FanoutOutcome;
    },
    breakerState: (partnerId) => states.get(partnerId)?.breaker.state,
    async close() {
      if (ownClient) client.close();
    },
  };
}

/** The request's imps whose placement the partner is offered (all when its list is empty). */
function offeredImps(partner: DemandPartnerTarget, request: FanoutRequest): FanoutRequest['request']['imp'] {
  if (partner.placementIds.length === 0) return request.request.imp;
  return request.request.imp.filter((imp) => {
    const placementId = request.placementOfImp.get(imp.id);
    return placementId !== undefined && partner.placementIds.includes(placementId);
  });
}
