import {
  isCurrency,
  isObject,
  type JsonObject,
  missing,
  optionalCurrency,
  optionalFlag,
  optionalIntArray,
  optionalNonNegative,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringArray,
  own,
} from './json-checks.js';
import type { BidRequest } from './openrtb-types.js';
import { priceGranularityProblem } from './price-granularity.js';
import { impsProblem } from './validate-imp.js';

export type Validation = { ok: true; request: BidRequest } | { ok: false; message: string };

/**
 * Validates an OpenRTB 2.5 or 2.6 bid request as parsed JSON. Never throws, whatever the input; the
 * first problem comes back as one line naming its JSON path (`request.imp[0].banner.w must be a positive
 * number`), the way Prebid Server words it. The accepted object is the input itself (not copied).
 */
export function validateBidRequest(input: unknown): Validation {
  const message = requestProblem(input);
  return message === undefined ? { ok: true, request: input as BidRequest } : { ok: false, message };
}

function requestProblem(input: unknown): string | undefined {
  if (!isObject(input)) return input === null ? missing('request', 'id') : 'request must be a JSON object';
  const id = own(input, 'id');
  if (typeof id !== 'string' || id === '') return missing('request', 'id');
  const tmax = own(input, 'tmax');
  if (tmax !== undefined && !(Number.isSafeInteger(tmax) && (tmax as number) >= 0))
    return `request.tmax must be nonnegative. Got ${JSON.stringify(tmax)}`;
  return (
    impsProblem(own(input, 'imp')) ??
    distributionProblem(input) ??
    scalarsProblem(input) ??
    deviceProblem(own(input, 'device')) ??
    userProblem(own(input, 'user')) ??
    regsProblem(own(input, 'regs')) ??
    sourceProblem(own(input, 'source')) ??
    extProblem(own(input, 'ext'))
  );
}

/** Exactly one of site, app, dooh; a site names its id or page, an app its id or bundle. */
function distributionProblem(request: JsonObject): string | undefined {
  const site = own(request, 'site');
  const app = own(request, 'app');
  const dooh = own(request, 'dooh');
  const count = (site === undefined ? 0 : 1) + (app === undefined ? 0 : 1) + (dooh === undefined ? 0 : 1);
  if (count > 1) return 'No more than one of request.site or request.app or request.dooh can be defined';
  if (app !== undefined) {
    if (!isObject(app)) return 'request.app must be an object';
    if (own(app, 'id') === undefined && own(app, 'bundle') === undefined)
      return 'request.app should include at least one of request.app.id or request.app.bundle.';
    return (
      publisherProblem(own(app, 'publisher'), 'request.app.publisher') ?? optionalStringArray(own(app, 'cat'), () => 'request.app.cat')
    );
  }
  if (dooh !== undefined) return optionalObject(dooh, () => 'request.dooh');
  if (!isObject(site))
    return site === undefined
      ? 'request.site should include at least one of request.site.id or request.site.page.'
      : 'request.site must be an object';
  const siteId = own(site, 'id');
  const page = own(site, 'page');
  if ((typeof siteId !== 'string' || siteId === '') && (typeof page !== 'string' || page === '')) {
    return 'request.site should include at least one of request.site.id or request.site.page.';
  }
  return (
    publisherProblem(own(site, 'publisher'), 'request.site.publisher') ?? optionalStringArray(own(site, 'cat'), () => 'request.site.cat')
  );
}

function publisherProblem(publisher: unknown, path: string): string | undefined {
  if (publisher === undefined) return undefined;
  if (!isObject(publisher)) return `${path} must be an object`;
  return optionalString(own(publisher, 'id'), () => `${path}.id`);
}

function scalarsProblem(request: JsonObject): string | undefined {
  const at = own(request, 'at');
  if (at !== undefined && !(at === 1 || at === 2 || (Number.isSafeInteger(at) && (at as number) > 500))) {
    return 'request.at must be 1 (first price), 2 (second price) or an exchange-specific value above 500';
  }
  const cur = own(request, 'cur');
  if (cur !== undefined) {
    if (!Array.isArray(cur)) return 'request.cur must be an array of currency codes';
    for (let i = 0; i < cur.length; i++) {
      const problem = optionalCurrency(cur[i], () => `request.cur[${i}]`);
      if (problem) return problem;
    }
  }
  return (
    optionalFlag(own(request, 'test'), () => 'request.test') ??
    optionalFlag(own(request, 'allimps'), () => 'request.allimps') ??
    optionalStringArray(own(request, 'bcat'), () => 'request.bcat') ??
    // The taxonomy of bcat (OpenRTB 2.6, default 1): another type would screen partners' bids against the wrong list.
    optionalTaxonomy(own(request, 'cattax'), () => 'request.cattax') ??
    optionalStringArray(own(request, 'badv'), () => 'request.badv') ??
    optionalStringArray(own(request, 'bapp'), () => 'request.bapp') ??
    optionalStringArray(own(request, 'wseat'), () => 'request.wseat') ??
    optionalStringArray(own(request, 'bseat'), () => 'request.bseat')
  );
}

/** Absent, or an AdCOM taxonomy id: an integer ≥ 0. */
function optionalTaxonomy(value: unknown, path: () => string): string | undefined {
  if (value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0)) return undefined;
  return `${path()} must be a non-negative integer (an AdCOM category taxonomy)`;
}

function geoProblem(geo: unknown, path: string): string | undefined {
  if (geo === undefined) return undefined;
  if (!isObject(geo)) return `${path} must be an object`;
  const accuracy = own(geo, 'accuracy');
  if (accuracy !== undefined && !(typeof accuracy === 'number' && accuracy >= 0)) return `${path}.accuracy must be a positive number`;
  return (
    // Any number: Prebid Server accepts out-of-range coordinates (device-sua.json sends lat 123.456); targeting ignores them.
    optionalNumber(own(geo, 'lat'), () => `${path}.lat`) ??
    optionalNumber(own(geo, 'lon'), () => `${path}.lon`) ??
    optionalString(own(geo, 'country'), () => `${path}.country`) ??
    optionalString(own(geo, 'region'), () => `${path}.region`)
  );
}

function deviceProblem(device: unknown): string | undefined {
  if (device === undefined) return undefined;
  if (!isObject(device)) return 'request.device must be an object';
  return (
    geoProblem(own(device, 'geo'), 'request.device.geo') ??
    optionalString(own(device, 'ua'), () => 'request.device.ua') ??
    optionalString(own(device, 'ip'), () => 'request.device.ip') ??
    optionalString(own(device, 'ipv6'), () => 'request.device.ipv6') ??
    optionalNonNegative(own(device, 'w'), () => 'request.device.w') ??
    optionalNonNegative(own(device, 'h'), () => 'request.device.h') ??
    optionalFlag(own(device, 'dnt'), () => 'request.device.dnt') ??
    optionalFlag(own(device, 'lmt'), () => 'request.device.lmt') ??
    optionalObject(own(device, 'sua'), () => 'request.device.sua')
  );
}

function userProblem(user: unknown): string | undefined {
  if (user === undefined) return undefined;
  if (!isObject(user)) return 'request.user must be an object';
  const ext = own(user, 'ext');
  return (
    optionalString(own(user, 'consent'), () => 'request.user.consent') ??
    optionalString(own(user, 'id'), () => 'request.user.id') ??
    optionalString(own(user, 'buyeruid'), () => 'request.user.buyeruid') ??
    geoProblem(own(user, 'geo'), 'request.user.geo') ??
    optionalObject(ext, () => 'request.user.ext') ??
    (isObject(ext) ? optionalString(own(ext, 'consent'), () => 'request.user.ext.consent') : undefined) ??
    optionalArray(own(user, 'eids'), () => 'request.user.eids') ??
    (isObject(ext) ? optionalArray(own(ext, 'eids'), () => 'request.user.ext.eids') : undefined)
  );
}

function optionalArray(value: unknown, path: () => string): string | undefined {
  return value === undefined || Array.isArray(value) ? undefined : `${path()} must be an array`;
}

function regsProblem(regs: unknown): string | undefined {
  if (regs === undefined) return undefined;
  if (!isObject(regs)) return 'request.regs must be an object';
  const ext = own(regs, 'ext');
  return (
    optionalFlag(own(regs, 'gdpr'), () => 'request.regs.gdpr') ??
    optionalFlag(own(regs, 'coppa'), () => 'request.regs.coppa') ??
    optionalString(own(regs, 'us_privacy'), () => 'request.regs.us_privacy') ??
    optionalString(own(regs, 'gpp'), () => 'request.regs.gpp') ??
    optionalIntArray(own(regs, 'gpp_sid'), () => 'request.regs.gpp_sid') ??
    optionalObject(ext, () => 'request.regs.ext') ??
    (isObject(ext)
      ? (optionalFlag(own(ext, 'gdpr'), () => 'request.regs.ext.gdpr') ??
        optionalString(own(ext, 'us_privacy'), () => 'request.regs.ext.us_privacy'))
      : undefined)
  );
}

function sourceProblem(source: unknown): string | undefined {
  if (source === undefined) return undefined;
  if (!isObject(source)) return 'request.source must be an object';
  const ext = own(source, 'ext');
  return (
    schainProblem(own(source, 'schain'), 'request.source.schain') ??
    optionalObject(ext, () => 'request.source.ext') ??
    (isObject(ext) ? schainProblem(own(ext, 'schain'), 'request.source.ext.schain') : undefined)
  );
}

function schainProblem(schain: unknown, path: string): string | undefined {
  if (schain === undefined) return undefined;
  if (!isObject(schain)) return `${path} must be an object`;
  const complete = own(schain, 'complete');
  if (complete !== 0 && complete !== 1) return `${path}.complete must be either 0 or 1`;
  const nodes = own(schain, 'nodes');
  if (!Array.isArray(nodes)) return missing(path, 'nodes');
  for (let i = 0; i < nodes.length; i++) {
    const node: unknown = nodes[i];
    const at = `${path}.nodes[${i}]`;
    if (!isObject(node)) return `${at} must be an object`;
    if (typeof own(node, 'asi') !== 'string') return missing(at, 'asi');
    if (typeof own(node, 'sid') !== 'string') return missing(at, 'sid');
    const hp = own(node, 'hp');
    if (hp !== undefined && hp !== 0 && hp !== 1) return `${at}.hp must be either 0 or 1`;
  }
  return undefined;
}

/** `ext.prebid`: the parts we read (targeting's price granularity, debug); the rest is passed through. */
function extProblem(ext: unknown): string | undefined {
  if (ext === undefined) return undefined;
  if (!isObject(ext)) return 'request.ext must be an object';
  const prebid = own(ext, 'prebid');
  if (prebid === undefined) return undefined;
  if (!isObject(prebid)) return 'request.ext.prebid must be an object';
  const currency = currencyRatesProblem(own(prebid, 'currency'));
  if (currency) return currency;
  const targeting = own(prebid, 'targeting');
  if (targeting === undefined) return undefined;
  if (!isObject(targeting)) return 'request.ext.prebid.targeting must be an object';
  return priceGranularityProblem(own(targeting, 'pricegranularity'), 'request.ext.prebid.targeting.pricegranularity');
}

/** `ext.prebid.currency.rates`: {FROM: {TO: rate}} with currency codes and positive rates. */
function currencyRatesProblem(currency: unknown): string | undefined {
  if (currency === undefined) return undefined;
  const path = 'request.ext.prebid.currency';
  if (!isObject(currency)) return `${path} must be an object`;
  const rates = own(currency, 'rates');
  if (rates === undefined) return undefined;
  if (!isObject(rates)) return `${path}.rates must be an object`;
  for (const from of Object.keys(rates)) {
    const targets = rates[from];
    if (!isCurrency(from)) return `${path}.rates has an invalid currency code "${from}"`;
    if (!isObject(targets)) return `${path}.rates.${from} must be an object`;
    for (const to of Object.keys(targets)) {
      if (!isCurrency(to)) return `${path}.rates.${from} has an invalid currency code "${to}"`;
      const rate = targets[to];
      if (!(typeof rate === 'number' && rate > 0 && Number.isFinite(rate))) return `${path}.rates.${from}.${to} must be a positive number`;
    }
  }
  return undefined;
}
