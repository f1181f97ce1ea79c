import { isNumber, isObject, type JsonObject, optionalIntArray, optionalNonNegative, own } from './json-checks.js';

/**
 * The Native 1.2 request inside `imp.native.request` (a JSON string; an object is accepted, as some 2.5
 * senders do). Prebid Server's rules: at least one asset, each exactly one of title/img/video/data with its
 * required fields, unique asset ids, a context subtype inside its context, event trackers with methods.
 */
export function nativeRequestProblem(raw: unknown, path: string): string | undefined {
  let request: unknown = raw;
  if (typeof raw === 'string') {
    try {
      request = JSON.parse(raw);
    } catch {
      return `${path} must be a JSON encoded string conforming to the OpenRTB Native specification`;
    }
  }
  if (!isObject(request)) return `${path} must be a JSON encoded string conforming to the OpenRTB Native specification`;
  // Native 1.0 wraps everything in {"native": {...}}.
  const inner = own(request, 'native');
  const body = isObject(inner) && own(request, 'assets') === undefined ? inner : request;
  return contextProblem(body, path) ?? assetsProblem(own(body, 'assets'), `${path}.assets`) ?? trackersProblem(body, path);
}

const inRange = (value: number, min: number, max: number) => value >= min && value <= max;
const isExchangeSpecific = (value: number) => value >= 500;

function contextProblem(body: JsonObject, path: string): string | undefined {
  const context = own(body, 'context');
  const subtype = own(body, 'contextsubtype');
  const placement = own(body, 'plcmttype');
  if (
    context !== undefined &&
    !(Number.isInteger(context) && (inRange(context as number, 1, 3) || isExchangeSpecific(context as number)))
  ) {
    return `${path}.context must be 1, 2, 3 or an exchange-specific value ≥ 500`;
  }
  if (subtype !== undefined) {
    const value = subtype as number;
    const known = Number.isInteger(subtype) && (inRange(value, 10, 15) || inRange(value, 20, 22) || inRange(value, 30, 32));
    if (!known && !(Number.isInteger(subtype) && isExchangeSpecific(value))) {
      return `${path}.contextsubtype must be 10-15, 20-22, 30-32 or an exchange-specific value ≥ 500`;
    }
    if (known && typeof context === 'number' && context < 500 && Math.floor(value / 10) !== context) {
      return `${path}.contextsubtype ${value} is incompatible with context ${context}`;
    }
  }
  if (
    placement !== undefined &&
    !(Number.isInteger(placement) && (inRange(placement as number, 1, 4) || isExchangeSpecific(placement as number)))
  ) {
    return `${path}.plcmttype must be 1-4 or an exchange-specific value ≥ 500`;
  }
  return undefined;
}

const ASSET_KINDS = ['title', 'img', 'video', 'data'] as const;

function assetsProblem(assets: unknown, path: string): string | undefined {
  if (!Array.isArray(assets) || assets.length === 0) return `${path} must be an array containing at least one object`;
  const ids = new Map<number, number>();
  for (let i = 0; i < assets.length; i++) {
    const asset: unknown = assets[i];
    const at = `${path}[${i}]`;
    if (!isObject(asset)) return `${at} must be an object`;
    const id = own(asset, 'id');
    if (id !== undefined) {
      if (!Number.isSafeInteger(id)) return `${at}.id must be an integer`;
      const previous = ids.get(id as number);
      if (previous !== undefined) return `${at}.id and ${path}[${previous}].id are both ${id}: asset ids must be unique`;
      ids.set(id as number, i);
    }
    const kinds = ASSET_KINDS.filter((kind) => own(asset, kind) !== undefined);
    if (kinds.length !== 1) return `${at} must define exactly one of {title, img, video, data}`;
    const problem = assetProblem(kinds[0]!, own(asset, kinds[0]!), `${at}.${kinds[0]}`);
    if (problem) return problem;
  }
  return undefined;
}

function assetProblem(kind: (typeof ASSET_KINDS)[number], value: unknown, path: string): string | undefined {
  if (!isObject(value)) return `${path} must be an object`;
  switch (kind) {
    case 'title': {
      const len = own(value, 'len');
      return isNumber(len) && Number.isInteger(len) && len > 0 ? undefined : `${path}.len must be a positive integer`;
    }
    case 'img':
      for (const field of ['w', 'h', 'wmin', 'hmin'] as const) {
        const problem = optionalNonNegative(own(value, field), () => `${path}.${field}`);
        if (problem) return problem;
      }
      return undefined;
    case 'video': {
      const mimes = own(value, 'mimes');
      if (!Array.isArray(mimes) || mimes.length === 0) return `${path}.mimes must contain at least one supported MIME type`;
      return optionalIntArray(own(value, 'protocols'), () => `${path}.protocols`);
    }
    case 'data': {
      const type = own(value, 'type');
      return Number.isInteger(type) && (type as number) > 0 ? undefined : `${path}.type must be a positive integer`;
    }
  }
}

function trackersProblem(body: JsonObject, path: string): string | undefined {
  const trackers = own(body, 'eventtrackers');
  if (trackers === undefined) return undefined;
  if (!Array.isArray(trackers)) return `${path}.eventtrackers must be an array`;
  for (let i = 0; i < trackers.length; i++) {
    const tracker: unknown = trackers[i];
    const at = `${path}.eventtrackers[${i}]`;
    if (!isObject(tracker)) return `${at} must be an object`;
    const event = own(tracker, 'event');
    if (!(Number.isInteger(event) && (inRange(event as number, 1, 4) || isExchangeSpecific(event as number)))) {
      return `${at}.event must be 1-4 or an exchange-specific value ≥ 500`;
    }
    const methods = own(tracker, 'methods');
    if (!Array.isArray(methods) || methods.length === 0) return `${at}.methods must contain at least one method`;
    const problem = optionalIntArray(methods, () => `${at}.methods`);
    if (problem) return problem;
  }
  return undefined;
}
