/**
 * The OpenRTB 2.6 subset the exchange and the bidder read (2.5 requests are up-converted first, see
 * `normalizeRequest`). Fields we only pass through stay in the plain JSON; these types name what we use.
 * Pure types: no I/O, no Node globals.
 */

export interface Format {
  w?: number;
  h?: number;
  wratio?: number;
  hratio?: number;
  wmin?: number;
}

export interface Banner {
  w?: number;
  h?: number;
  format?: Format[];
  mimes?: string[];
  [key: string]: unknown;
}

export interface Video {
  mimes: string[];
  w?: number;
  h?: number;
  minduration?: number;
  maxduration?: number;
  protocols?: number[];
  [key: string]: unknown;
}

export interface Audio {
  mimes: string[];
  [key: string]: unknown;
}

export interface Native {
  /** The Native 1.x request, as a JSON string (2.6) — an object is accepted and stringified by `normalizeRequest`. */
  request: string;
  ver?: string;
  [key: string]: unknown;
}

export interface Deal {
  id: string;
  bidfloor?: number;
  bidfloorcur?: string;
  at?: number;
  wseat?: string[];
  [key: string]: unknown;
}

export interface Imp {
  id: string;
  tagid?: string;
  banner?: Banner;
  video?: Video;
  audio?: Audio;
  native?: Native;
  instl?: 0 | 1;
  bidfloor?: number;
  bidfloorcur?: string;
  secure?: 0 | 1;
  pmp?: { private_auction?: 0 | 1; deals?: Deal[] };
  ext?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Publisher {
  id?: string;
  name?: string;
  domain?: string;
  [key: string]: unknown;
}

export interface Site {
  id?: string;
  domain?: string;
  page?: string;
  ref?: string;
  cat?: string[];
  keywords?: string;
  publisher?: Publisher;
  [key: string]: unknown;
}

export interface App {
  id?: string;
  bundle?: string;
  domain?: string;
  storeurl?: string;
  cat?: string[];
  keywords?: string;
  publisher?: Publisher;
  [key: string]: unknown;
}

export interface Geo {
  lat?: number;
  lon?: number;
  country?: string;
  region?: string;
  metro?: string;
  city?: string;
  accuracy?: number;
  [key: string]: unknown;
}

export interface Device {
  ua?: string;
  ip?: string;
  ipv6?: string;
  devicetype?: number;
  os?: string;
  language?: string;
  geo?: Geo;
  ifa?: string;
  [key: string]: unknown;
}

export interface User {
  id?: string;
  buyeruid?: string;
  consent?: string;
  geo?: Geo;
  keywords?: string;
  ext?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Regs {
  coppa?: 0 | 1;
  gdpr?: 0 | 1;
  us_privacy?: string;
  gpp?: string;
  gpp_sid?: number[];
  ext?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface SupplyChainNode {
  asi: string;
  sid: string;
  hp: 0 | 1;
  rid?: string;
  [key: string]: unknown;
}

export interface SupplyChain {
  complete: 0 | 1;
  ver: string;
  nodes: SupplyChainNode[];
  [key: string]: unknown;
}

export interface BidRequest {
  id: string;
  imp: Imp[];
  site?: Site;
  app?: App;
  dooh?: Record<string, unknown>;
  device?: Device;
  user?: User;
  regs?: Regs;
  source?: { tid?: string; schain?: SupplyChain; [key: string]: unknown };
  test?: 0 | 1;
  at?: number;
  tmax?: number;
  cur?: string[];
  bcat?: string[];
  badv?: string[];
  bapp?: string[];
  wseat?: string[];
  bseat?: string[];
  ext?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Bid {
  id: string;
  impid: string;
  price: number;
  adm?: string;
  nurl?: string;
  burl?: string;
  lurl?: string;
  adid?: string;
  adomain?: string[];
  /** The creative's IAB content categories. */
  cat?: string[];
  /** The taxonomy of `cat` (OpenRTB 2.6; absent: 1, IAB Content Category 1.0). */
  cattax?: number;
  crid?: string;
  cid?: string;
  dealid?: string;
  w?: number;
  h?: number;
  mtype?: 1 | 2 | 3 | 4;
  ext?: Record<string, unknown>;
}

export interface SeatBid {
  seat?: string;
  bid: Bid[];
}

export interface BidResponse {
  id: string;
  seatbid?: SeatBid[];
  bidid?: string;
  cur?: string;
  nbr?: number;
  ext?: Record<string, unknown>;
}

/** OpenRTB 2.6 §5.24 no-bid reason codes we send. */
export const NO_BID_REASON = {
  unknownError: 0,
  technicalError: 1,
  invalidRequest: 2,
  suspectedNonHumanTraffic: 4,
  unsupportedDevice: 6,
  blockedPublisher: 7,
  unmatchedUser: 8,
  insufficientTime: 10,
} as const;

/** Markup types (`bid.mtype`). */
export const MARKUP_TYPE = { banner: 1, video: 2, audio: 3, native: 4 } as const;
