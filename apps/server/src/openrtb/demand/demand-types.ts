/**
 * The contract between the OpenRTB exchange (apps/server/src/openrtb/exchange) and the outside-demand
 * fan-out (apps/server/src/openrtb/demand). The exchange builds one OpenRTB 2.6 request per auction and
 * asks the fan-out for bids; the fan-out calls every eligible demand partner in parallel and always
 * resolves (a partner that fails becomes a non-bid), never rejects.
 */

/** A demand partner as the fan-out needs it: the management API's resource, read from the delivery snapshot. */
export interface DemandPartnerTarget {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly endpointUrl: string;
  readonly timeoutMs: number;
  readonly bidAdjustment: number;
  /** Placements offered to this partner; empty = all. */
  readonly placementIds: readonly string[];
  readonly qpsLimit: number;
  /**
   * Send bid requests gzip-compressed (`Content-Encoding: gzip`). Absent: the fan-out's default
   * (on), with a fallback to plain JSON for a partner that answers 415 (see docs/openrtb-demand.md).
   */
  readonly requestGzip?: boolean | undefined;
}

/** One OpenRTB 2.6 bid request as plain JSON (the exchange's own, already normalized and validated). */
export type OpenRtbRequest = Record<string, unknown> & { id: string; imp: Array<Record<string, unknown> & { id: string }> };

export interface FanoutRequest {
  readonly organizationId: string;
  readonly request: OpenRtbRequest;
  /** Placement id of each imp id, so a partner is offered only its placements. */
  readonly placementOfImp: ReadonlyMap<string, string>;
  /** Absolute deadline (epoch ms, from the exchange's clock) by which every partner's answer must be in. */
  readonly deadlineMs: number;
  /** The exchange's currency; bids in other currencies are converted or refused. */
  readonly currency: string;
}

/** A bid that passed validation, converted to the exchange currency and adjusted by the partner's bid adjustment. */
export interface PartnerBid {
  readonly partnerId: string;
  /** seatbid.seat, or the partner's id when absent. */
  readonly seat: string;
  readonly impId: string;
  readonly bidId: string;
  /** CPM in integer micros of the exchange currency, after conversion and adjustment. */
  readonly priceMicros: number;
  /** The price as the partner sent it, micros of its currency (for ${AUCTION_PRICE} in its own notices). */
  readonly originalPriceMicros: number;
  readonly originalCurrency: string;
  readonly adm?: string | undefined;
  readonly adomain?: readonly string[] | undefined;
  /** bid.cat: the creative's content categories, in the taxonomy `cattax` (screened against the request's `bcat`). */
  readonly cat?: readonly string[] | undefined;
  /** bid.cattax: the taxonomy of `cat` as the partner sent it; absent means 1 (IAB Content Category 1.0, OpenRTB 2.6's default). */
  readonly cattax?: number | undefined;
  /** bid.bundle: the store id or bundle of the app the ad promotes (screened against the request's `bapp`). */
  readonly bundle?: string | undefined;
  readonly crid?: string | undefined;
  readonly dealId?: string | undefined;
  readonly w?: number | undefined;
  readonly h?: number | undefined;
  readonly nurl?: string | undefined;
  readonly burl?: string | undefined;
  readonly lurl?: string | undefined;
  /** bid.adid (the `${AUCTION_ADID}`/`${AUCTION_AD_ID}` macro). */
  readonly adId?: string | undefined;
  /** bid.mtype (1 banner, 2 video, 3 audio, 4 native) when the partner said. */
  readonly mtype?: number | undefined;
  /** BidResponse.bidid, when the partner sent one. */
  readonly responseBidId?: string | undefined;
}

/** Why a partner did not bid on an impression: Prebid Server's seatnonbid status codes where they fit. */
export interface NonBid {
  readonly partnerId: string;
  /** Absent when the reason covers the partner's whole request. */
  readonly impId?: string | undefined;
  readonly code: number;
  readonly reason: string;
  /** The rejected bid's id, when a bid was rejected (not for a partner-wide failure). */
  readonly bidId?: string | undefined;
  /** OpenRTB 2.6 loss reason for the rejected bid (`${AUCTION_LOSS}` of its lurl), when one applies. */
  readonly lossCode?: number | undefined;
}

/** How one partner call went, for the auction log and metrics. */
export interface PartnerCall {
  readonly partnerId: string;
  /** `called`: an HTTP request was made; otherwise why not. */
  readonly outcome: 'called' | 'breaker-open' | 'qps-capped' | 'no-time';
  /** HTTP status when called and answered. */
  readonly status?: number | undefined;
  /** Milliseconds from the call to its end (answer, error or deadline). */
  readonly durationMs?: number | undefined;
  /** The tmax sent to the partner. */
  readonly tmaxMs?: number | undefined;
}

export interface FanoutOutcome {
  readonly bids: readonly PartnerBid[];
  readonly nonBids: readonly NonBid[];
  /** One entry per eligible partner (a partner offered none of the imps is not listed). */
  readonly calls?: readonly PartnerCall[] | undefined;
}

/** Calls the outside demand of one auction. Resolves by the deadline, whatever the partners do. */
export interface DemandFanout {
  collect(partners: readonly DemandPartnerTarget[], request: FanoutRequest): Promise<FanoutOutcome>;
  close(): Promise<void>;
}
