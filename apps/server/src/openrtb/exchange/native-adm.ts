import type { Resource } from '@adplatform/domain';
import type { NativeAssetResponse, NativeResponse } from '../../delivery/render/native-response.js';
import { NATIVE_DATA_TYPE, NATIVE_IMAGE_TYPE, renderNative } from '../../delivery/render/native-response.js';
import type { CreativeData } from '../../modules/creatives/creatives.schemas.js';
import { isObject, type JsonObject, own } from '../model/json-checks.js';

/**
 * A direct-sold native ad as the `adm` of an OpenRTB native imp: our Native 1.2 response (the one the
 * Decision API answers as `ad.native`, with fixed asset ids) re-keyed to the asset ids of the imp's
 * Native request, keeping only the assets it asks for. Undefined when a required asset cannot be filled
 * (a title longer than its `len`, an image or data type we do not carry, a video asset): the direct item
 * then does not bid on that imp.
 */
export function nativeAdmFor(nativeRequest: unknown, ours: NativeResponse): string | undefined {
  const request = parsed(nativeRequest);
  if (!request) return undefined;
  const assets: NativeAssetResponse[] = [];
  const wanted = own(request.body, 'assets');
  if (!Array.isArray(wanted)) return undefined;
  for (let i = 0; i < wanted.length; i++) {
    const asset: unknown = wanted[i];
    if (!isObject(asset)) return undefined;
    const id = Number.isSafeInteger(own(asset, 'id')) ? (own(asset, 'id') as number) : i;
    const filled = fill(asset, ours);
    if (filled) assets.push({ id, ...filled });
    else if (own(asset, 'required') === 1) return undefined;
  }
  if (assets.length === 0) return undefined;
  const response: NativeResponse = { ...ours, assets, eventtrackers: trackersFor(request.body, ours) };
  return JSON.stringify(request.wrapped ? { native: response } : response);
}

const PLACEHOLDER_URLS = { clickUrl: 'https://placeholder.invalid/', impressionUrl: 'https://placeholder.invalid/', assetBaseUrl: '' };

/**
 * Whether a native creative can answer the imp's Native request (every required asset filled), asked before the
 * win is committed, so a creative that cannot does not spend its allowance or count a frequency.
 */
export function fitsNativeRequest(nativeRequest: unknown, creative: Resource<CreativeData> | undefined): boolean {
  if (!creative) return false;
  const ours = renderNative({ ...creative.data }, PLACEHOLDER_URLS);
  return ours !== undefined && nativeAdmFor(nativeRequest, ours) !== undefined;
}

/** The request object, and whether it came wrapped as Native 1.0 does (`{"native": {...}}`), so the answer is too. */
function parsed(raw: unknown): { body: JsonObject; wrapped: boolean } | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  if (!isObject(value)) return undefined;
  const inner = own(value, 'native');
  if (isObject(inner) && own(value, 'assets') === undefined) return { body: inner, wrapped: true };
  return { body: value, wrapped: false };
}

/** An asset of the answer before its id: one of the kinds of NativeAssetResponse. */
type Filled = NativeAssetResponse extends infer A ? (A extends unknown ? Omit<A, 'id' | 'required'> : never) : never;

/** Our asset of the kind and type the request asset asks for, within its length; undefined when we carry none. */
function fill(asset: JsonObject, ours: NativeResponse): Filled | undefined {
  const title = own(asset, 'title');
  if (isObject(title)) {
    const text = find(ours, (a) => ('title' in a ? a.title.text : undefined));
    const len = own(title, 'len');
    if (text === undefined || (typeof len === 'number' && text.length > len)) return undefined;
    return { title: { text } };
  }
  const img = own(asset, 'img');
  if (isObject(img)) {
    // No type: the main image, the usual reading of a bare image asset.
    const type = own(img, 'type') ?? NATIVE_IMAGE_TYPE.main;
    const image = find(ours, (a) => ('img' in a && a.img.type === type ? a.img : undefined));
    if (!image || tooSmall(image, own(img, 'wmin'), own(img, 'hmin'))) return undefined;
    return { img: image };
  }
  const data = own(asset, 'data');
  if (isObject(data)) {
    const type = own(data, 'type');
    const len = own(data, 'len');
    const found = find(ours, (a) => ('data' in a && a.data.type === type ? a.data : undefined));
    if (!found || (typeof len === 'number' && found.value.length > len)) return undefined;
    return { data: { type: found.type ?? NATIVE_DATA_TYPE.sponsored, value: found.value } };
  }
  return undefined;
}

/** Under a minimum size the request sets; an image of unknown size is taken as fitting. */
function tooSmall(image: { w?: number; h?: number }, wmin: unknown, hmin: unknown): boolean {
  return (
    (typeof wmin === 'number' && image.w !== undefined && image.w < wmin) ||
    (typeof hmin === 'number' && image.h !== undefined && image.h < hmin)
  );
}

function find<T>(ours: NativeResponse, pick: (asset: NativeAssetResponse) => T | undefined): T | undefined {
  for (const asset of ours.assets) {
    const value = pick(asset);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * When the request lists the event trackers it supports, only ours of those events and methods; else all of
 * ours. `imptrackers` (1.1) stay as they are, so the impression is counted by readers of either field.
 */
function trackersFor(body: JsonObject, ours: NativeResponse): NativeResponse['eventtrackers'] {
  const supported = own(body, 'eventtrackers');
  if (!Array.isArray(supported)) return ours.eventtrackers;
  return ours.eventtrackers.filter((tracker) =>
    supported.some((s: unknown) => {
      if (!isObject(s) || own(s, 'event') !== tracker.event) return false;
      const methods = own(s, 'methods');
      return Array.isArray(methods) && methods.includes(tracker.method);
    }),
  );
}
