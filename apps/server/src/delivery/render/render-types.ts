import type { CreativeData } from '../../modules/creatives/creatives.schemas.js';

/**
 * What the renderers read of a creative: its stored body (ADR 0007) and,
 * optionally, a name for the image's alt text and the VAST AdTitle.
 */
export type RenderCreative = Pick<
  CreativeData,
  'format' | 'width' | 'height' | 'impressionTrackers' | 'assets' | 'html' | 'native' | 'video'
> & {
  name?: string | undefined;
};

/** The per-decision URLs a rendering carries. */
export interface AdUrls {
  /** Signed click URL (redirects to the landing page). */
  clickUrl: string;
  /**
   * Signed impression URL. `renderAdMarkup` does not embed it: the ad tag or
   * the iframe page fires it exactly once; `renderNative` lists it as a tracker.
   */
  impressionUrl: string;
  /** Signed viewability URL (MRC: 50 % of pixels in view for 1 continuous second). */
  viewableUrl?: string | undefined;
  /** Origin that serves `/assets/…`, e.g. `https://ads.example.com` (no trailing slash needed). */
  assetBaseUrl: string;
}

/** What the iframe page needs of a decision's ad; the decision answer's `Ad` fits. */
export interface RenderableAd {
  html: string;
  width?: number | null | undefined;
  height?: number | null | undefined;
  impressionUrl?: string | undefined;
  viewableUrl?: string | undefined;
}

/** `/assets/x.webp` on `https://ads.example.com/` → `https://ads.example.com/assets/x.webp`; absolute URLs unchanged. */
export function assetUrl(assetBaseUrl: string, url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return `${assetBaseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}
