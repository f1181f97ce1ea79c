import { safeUrl } from './escape.js';
import type { AdUrls, RenderCreative } from './render-types.js';

/**
 * OpenRTB Native 1.2 (§5) response objects. Since Native 1.1 the Native
 * object itself is the root (1.0 wrapped it in `{"native": …}`); the decision
 * answer carries it as `ad.native`, and an OpenRTB bid would JSON-encode it
 * into `adm`.
 */
export interface NativeResponse {
  ver: '1.2';
  assets: NativeAssetResponse[];
  link: NativeLink;
  /** Deprecated in 1.2 in favour of `eventtrackers`; kept for 1.0/1.1 readers. */
  imptrackers?: string[];
  eventtrackers: NativeEventTracker[];
  privacy?: string;
}

export interface NativeLink {
  url: string;
  clicktrackers?: string[];
  fallback?: string;
}

export type NativeAssetResponse = { id: number; required?: 0 | 1 } & (
  | { title: { text: string; len?: number } }
  | { img: { type?: number; url: string; w?: number; h?: number } }
  | { data: { type?: number; len?: number; value: string } }
);

export interface NativeEventTracker {
  event: number;
  method: number;
  url: string;
}

/** Asset ids of our responses (no native request assigns them on the decision API, so they are fixed and documented). */
export const NATIVE_ASSET_IDS = { title: 1, mainImage: 2, icon: 3, sponsored: 4, description: 5, callToAction: 6 } as const;
/** Native 1.2 table 7.4 (image asset types), 7.3 (data asset types), 7.6 (event types), 7.7 (tracking methods). */
export const NATIVE_IMAGE_TYPE = { icon: 1, main: 3 } as const;
export const NATIVE_DATA_TYPE = { sponsored: 1, desc: 2, ctatext: 12 } as const;
export const NATIVE_EVENT = { impression: 1, viewableMrc50: 2 } as const;
export const NATIVE_METHOD = { img: 1, js: 2 } as const;

/**
 * The Native 1.2 response for a native creative: title, main image, optional
 * icon, sponsor, description and call to action as assets; the signed click
 * URL as `link.url`; the impression URL and the creative's third-party
 * trackers as image event trackers (and `imptrackers`), the viewable URL as
 * a `viewable-mrc50` tracker. Undefined when the creative has no native assets.
 */
export function renderNative(creative: RenderCreative, urls: AdUrls): NativeResponse | undefined {
  const native = creative.native;
  if (!native) return undefined;
  const ids = NATIVE_ASSET_IDS;
  const assets: NativeAssetResponse[] = [
    { id: ids.title, required: 1, title: { text: native.title, len: native.title.length } },
    { id: ids.mainImage, required: 1, img: { type: NATIVE_IMAGE_TYPE.main, url: safeUrl(native.imageUrl), ...size(creative) } },
  ];
  if (native.iconUrl) assets.push({ id: ids.icon, img: { type: NATIVE_IMAGE_TYPE.icon, url: safeUrl(native.iconUrl) } });
  assets.push({ id: ids.sponsored, required: 1, data: { type: NATIVE_DATA_TYPE.sponsored, value: native.sponsor } });
  if (native.description) assets.push({ id: ids.description, data: { type: NATIVE_DATA_TYPE.desc, value: native.description } });
  if (native.callToAction) assets.push({ id: ids.callToAction, data: { type: NATIVE_DATA_TYPE.ctatext, value: native.callToAction } });

  const impressions = [urls.impressionUrl, ...(creative.impressionTrackers ?? [])].map(safeUrl);
  const eventtrackers: NativeEventTracker[] = impressions.map((url) => ({
    event: NATIVE_EVENT.impression,
    method: NATIVE_METHOD.img,
    url,
  }));
  if (urls.viewableUrl)
    eventtrackers.push({ event: NATIVE_EVENT.viewableMrc50, method: NATIVE_METHOD.img, url: safeUrl(urls.viewableUrl) });
  return { ver: '1.2', assets, link: { url: safeUrl(urls.clickUrl) }, imptrackers: impressions, eventtrackers };
}

function size(creative: RenderCreative): { w?: number; h?: number } {
  return creative.width && creative.height ? { w: creative.width, h: creative.height } : {};
}
