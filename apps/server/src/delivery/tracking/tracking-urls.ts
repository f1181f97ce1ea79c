import type { TrackingEventType } from './tracking-events.js';

export interface TrackingUrls {
  impressionUrl: string;
  clickUrl: string;
  /** `/t/event` for one type; a conversion URL may get `&valueMicros=<integer>` appended by the advertiser. */
  eventUrl(type: TrackingEventType): string;
}

/** `base` without trailing slashes; the regular expression only when there is one (an origin seldom has). */
const withoutTrailingSlashes = (base: string): string => (base.endsWith('/') ? base.replace(/\/+$/, '') : base);

/**
 * The tracking URLs of one ad, from the public origin (`https://ads.example.com`,
 * no trailing slash needed) and the ad's signed token. Tokens are base64url
 * plus a dot, so they need no escaping.
 */
export function buildTrackingUrls(base: string, token: string): TrackingUrls {
  const origin = withoutTrailingSlashes(base);
  return {
    impressionUrl: `${origin}/t/imp?t=${token}`,
    clickUrl: `${origin}/t/click?t=${token}`,
    eventUrl: (type) => `${origin}/t/event?t=${token}&type=${type}`,
  };
}

/** The URLs of a served ad in a decision's answer: `buildTrackingUrls`' impression and click, and its `viewable` event, as strings. */
export function adTrackingUrls(base: string, token: string): { impressionUrl: string; clickUrl: string; viewableUrl: string } {
  const origin = withoutTrailingSlashes(base);
  return {
    impressionUrl: `${origin}/t/imp?t=${token}`,
    clickUrl: `${origin}/t/click?t=${token}`,
    viewableUrl: `${origin}/t/event?t=${token}&type=viewable`,
  };
}

/** The origin browsers reach this server at: the configured public URL, else the request's own scheme and host. */
export function publicOriginOf(request: { protocol: string; host: string }, publicUrl?: string): string {
  return publicUrl ? withoutTrailingSlashes(publicUrl) : `${request.protocol}://${request.host}`;
}
