import {
  isNumber,
  isObject,
  type JsonObject,
  missing,
  optionalCurrency,
  optionalFlag,
  optionalIntArray,
  optionalNonNegative,
  optionalObject,
  optionalString,
  optionalStringArray,
  own,
} from './json-checks.js';
import { nativeRequestProblem } from './validate-native.js';

/** Every imp: an object with a unique id, at least one media type, each well formed. */
export function impsProblem(imps: unknown): string | undefined {
  if (!Array.isArray(imps) || imps.length === 0) return 'request.imp must contain at least one element.';
  const ids = new Map<string, number>();
  for (let i = 0; i < imps.length; i++) {
    const imp: unknown = imps[i];
    const path = `request.imp[${i}]`;
    if (!isObject(imp)) return `${path} must be an object`;
    const id = own(imp, 'id');
    if (typeof id !== 'string' || id === '') return missing(path, 'id');
    const previous = ids.get(id);
    if (previous !== undefined) return `request.imp[${previous}].id and ${path}.id are both "${id}". Imp IDs must be unique.`;
    ids.set(id, i);
    const problem = impProblem(imp, path);
    if (problem) return problem;
  }
  return undefined;
}

function impProblem(imp: JsonObject, path: string): string | undefined {
  const banner = own(imp, 'banner');
  const video = own(imp, 'video');
  const audio = own(imp, 'audio');
  const native = own(imp, 'native');
  if (banner === undefined && video === undefined && audio === undefined && native === undefined) {
    return `${path} must contain at least one of "banner", "video", "audio", or "native"`;
  }
  return (
    (banner === undefined ? undefined : bannerProblem(banner, `${path}.banner`, own(imp, 'instl') === 1)) ??
    (video === undefined ? undefined : videoProblem(video, `${path}.video`)) ??
    (audio === undefined ? undefined : mimesProblem(audio, `${path}.audio`)) ??
    (native === undefined ? undefined : nativeProblem(native, `${path}.native`)) ??
    impFieldsProblem(imp, path)
  );
}

function impFieldsProblem(imp: JsonObject, path: string): string | undefined {
  return (
    optionalString(own(imp, 'tagid'), () => `${path}.tagid`) ??
    optionalFlag(own(imp, 'instl'), () => `${path}.instl`) ??
    optionalFlag(own(imp, 'secure'), () => `${path}.secure`) ??
    optionalNonNegative(own(imp, 'bidfloor'), () => `${path}.bidfloor`) ??
    optionalCurrency(own(imp, 'bidfloorcur'), () => `${path}.bidfloorcur`) ??
    optionalObject(own(imp, 'ext'), () => `${path}.ext`) ??
    pmpProblem(own(imp, 'pmp'), `${path}.pmp`) ??
    metricsProblem(own(imp, 'metric'), `${path}.metric`)
  );
}

function bannerProblem(banner: unknown, path: string, interstitial: boolean): string | undefined {
  if (!isObject(banner)) return `${path} must be an object`;
  const w = own(banner, 'w');
  const h = own(banner, 'h');
  const sizeProblem = sizeValueProblem(w, `${path}.w`) ?? sizeValueProblem(h, `${path}.h`);
  if (sizeProblem) return sizeProblem;
  const formats = own(banner, 'format');
  if (formats !== undefined && !Array.isArray(formats)) return `${path}.format must be an array`;
  const hasSize = (w as number) > 0 && (h as number) > 0;
  if (!hasSize && (formats === undefined || formats.length === 0) && !interstitial) {
    return `${path} has no sizes. Define "w" and "h", or include "format" elements.`;
  }
  for (let i = 0; i < (formats?.length ?? 0); i++) {
    const problem = formatProblem(formats![i], `${path}.format[${i}]`);
    if (problem) return problem;
  }
  return optionalStringArray(own(banner, 'mimes'), () => `${path}.mimes`) ?? optionalIntArray(own(banner, 'api'), () => `${path}.api`);
}

/** A format is a fixed size {w, h} or a flexible one {wmin, wratio, hratio}, never both. */
function formatProblem(format: unknown, path: string): string | undefined {
  if (!isObject(format)) return `${path} must be an object`;
  const fixed = own(format, 'w') !== undefined || own(format, 'h') !== undefined;
  const flexible = own(format, 'wratio') !== undefined || own(format, 'hratio') !== undefined || own(format, 'wmin') !== undefined;
  if (fixed && flexible) return `${path} should define *either* {w, h} *or* {wmin, wratio, hratio}, but not both`;
  if (fixed) return positiveFields(format, path, ['w', 'h']);
  if (flexible) return positiveFields(format, path, ['wratio', 'hratio', 'wmin']);
  return `${path} should define *either* {w, h} (for static size requirements) *or* {wmin, wratio, hratio} (for flexible sizes)`;
}

function positiveFields(object: JsonObject, path: string, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = own(object, field);
    if (!(isNumber(value) && value > 0)) return `${path}.${field} must be a positive number`;
  }
  return undefined;
}

function mimesProblem(media: unknown, path: string): string | undefined {
  if (!isObject(media)) return `${path} must be an object`;
  const mimes = own(media, 'mimes');
  if (!Array.isArray(mimes) || mimes.length === 0) return `${path}.mimes must contain at least one supported MIME type`;
  return (
    optionalStringArray(mimes, () => `${path}.mimes`) ??
    optionalNonNegative(own(media, 'minduration'), () => `${path}.minduration`) ??
    optionalNonNegative(own(media, 'maxduration'), () => `${path}.maxduration`) ??
    optionalIntArray(own(media, 'protocols'), () => `${path}.protocols`)
  );
}

function videoProblem(video: unknown, path: string): string | undefined {
  const problem = mimesProblem(video, path);
  if (problem || !isObject(video)) return problem;
  return sizeValueProblem(own(video, 'w'), `${path}.w`) ?? sizeValueProblem(own(video, 'h'), `${path}.h`);
}

/** A banner or video w/h: absent, 0 (unspecified, as the IAB examples send) or positive; Prebid Server's wording for the rest. */
function sizeValueProblem(value: unknown, path: string): string | undefined {
  if (value === undefined || (isNumber(value) && value >= 0)) return undefined;
  return `${path} must be a positive number`;
}

function nativeProblem(native: unknown, path: string): string | undefined {
  if (!isObject(native)) return `${path} must be an object`;
  const request = own(native, 'request');
  if (request === undefined) return `${path} missing required property "request"`;
  return nativeRequestProblem(request, `${path}.request`);
}

function pmpProblem(pmp: unknown, path: string): string | undefined {
  if (pmp === undefined) return undefined;
  if (!isObject(pmp)) return `${path} must be an object`;
  const flag = optionalFlag(own(pmp, 'private_auction'), () => `${path}.private_auction`);
  if (flag) return flag;
  const deals = own(pmp, 'deals');
  if (deals === undefined) return undefined;
  if (!Array.isArray(deals)) return `${path}.deals must be an array`;
  for (let i = 0; i < deals.length; i++) {
    const deal: unknown = deals[i];
    const at = `${path}.deals[${i}]`;
    if (!isObject(deal)) return `${at} must be an object`;
    const id = own(deal, 'id');
    if (typeof id !== 'string' || id === '') return missing(at, 'id');
    const problem =
      optionalNonNegative(own(deal, 'bidfloor'), () => `${at}.bidfloor`) ??
      optionalCurrency(own(deal, 'bidfloorcur'), () => `${at}.bidfloorcur`) ??
      optionalStringArray(own(deal, 'wseat'), () => `${at}.wseat`);
    if (problem) return problem;
  }
  return undefined;
}

/** OpenRTB requires `type` and `value` on each metric (Prebid Server refuses metrics altogether; we accept valid ones). */
function metricsProblem(metrics: unknown, path: string): string | undefined {
  if (metrics === undefined) return undefined;
  if (!Array.isArray(metrics)) return `${path} must be an array`;
  for (let i = 0; i < metrics.length; i++) {
    const metric: unknown = metrics[i];
    const at = `${path}[${i}]`;
    if (!isObject(metric)) return `${at} must be an object`;
    if (typeof own(metric, 'type') !== 'string') return missing(at, 'type');
    const value = own(metric, 'value');
    if (!(isNumber(value) && value >= 0 && value <= 1)) return `${at}.value must be a probability between 0 and 1`;
  }
  return undefined;
}
