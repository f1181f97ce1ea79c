import type { DeviceType } from '@adplatform/domain';
import type { ContextInput } from '../../delivery/context/extract-context.js';
import type { ConsentSignals } from '../../delivery/context/user-key.js';
import { countryAlpha2 } from '../model/iso-countries.js';
import type { BidRequest } from '../model/openrtb-types.js';

/** What the HTTP layer knows of the caller when the request's `device` is silent. */
export interface OpenRtbCaller {
  ip: string;
  userAgent: string;
  /** Public origin for tracking URLs. */
  origin: string;
}

/** OpenRTB `device.devicetype` (AdCOM list) → our device types. */
const DEVICE_TYPES: Readonly<Record<number, DeviceType>> = {
  1: 'mobile',
  2: 'desktop',
  3: 'ctv',
  4: 'mobile',
  5: 'tablet',
  6: 'ctv',
  7: 'ctv',
};

export function consentOf(request: BidRequest): ConsentSignals {
  const regs = request.regs;
  return {
    gdpr: regs?.gdpr,
    tcString: request.user?.consent,
    usPrivacy: regs?.us_privacy,
    gpp: regs?.gpp,
    coppa: regs?.coppa,
  };
}

const splitKeywords = (text: string | undefined): string[] =>
  text
    ? text
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== '')
    : [];

/** The delivery context extractor's input from a bid request: the device's IP and UA, the page, keywords, consent. */
export function contextInputOf(request: BidRequest, caller: OpenRtbCaller): ContextInput {
  const device = request.device;
  const keywords = [...splitKeywords(request.site?.keywords ?? request.app?.keywords), ...splitKeywords(request.user?.keywords)];
  return {
    ip: device?.ip ?? device?.ipv6 ?? caller.ip,
    userAgent: device?.ua ?? caller.userAgent,
    acceptLanguage: device?.language,
    url: request.site?.page,
    referrer: request.site?.ref,
    keywords,
    // Our own first-party id when the publisher's Prebid sends it as buyeruid; the exchange's user.id otherwise.
    userKey: request.user?.buyeruid ?? request.user?.id,
    consent: consentOf(request),
  };
}

/** Facts the request states outright override what the IP and UA suggest. */
export function statedContext(request: BidRequest): { deviceType?: DeviceType; country?: string; domain?: string; categories?: string[] } {
  const stated: { deviceType?: DeviceType; country?: string; domain?: string; categories?: string[] } = {};
  const deviceType = request.device?.devicetype === undefined ? undefined : DEVICE_TYPES[request.device.devicetype];
  if (deviceType) stated.deviceType = deviceType;
  // OpenRTB countries are ISO 3166-1 alpha-3 (two letters accepted too); we target alpha-2. A known one overrides
  // the IP's country; an unknown one leaves the IP to decide.
  const country = countryAlpha2(request.device?.geo?.country);
  if (country) stated.country = country;
  const domain = request.site?.domain ?? request.app?.bundle;
  if (domain) stated.domain = domain;
  const categories = request.site?.cat ?? request.app?.cat;
  if (categories && categories.length > 0) stated.categories = categories;
  return stated;
}
