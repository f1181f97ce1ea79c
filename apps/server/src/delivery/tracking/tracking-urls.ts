import type { TrackingEventType } from './tracking-events.js';

export interface TrackingUrls {
  impressionUrl: string;
  clickUrl: string;
  /** `/t/event` for one type; a conversion URL may get `&valueMicros=<integer>` appended by the advertiser. */
  eventUrl(type: TrackingEventType): string;
}

/**
 * The tracking URLs of one ad, from the public origin (`https://ads.example.com`,
 * no trailing slash needed) and the ad's signed token. Tokens are base64url
 * plus a dot, so they need no escaping.
 */
export function buildTrackingUrls(base: string, token: string): TrackingUrls {
  const origin = base.replace(/\/+$/, '');
  return {
    impressionUrl: `${origin}/t/imp?t=${token}`,
    clickUrl: `${origin}/t/click?t=${token}`,
    eventUrl: (type) => `${origin}/t/event?t=${token}&type=${type}`,
  };
}

/** The origin browsers reach this server at: the configured public URL, else the request's own scheme and host. */
export function publicOriginOf(request: { protocol: string; host: string }, publicUrl?: string): string {
  return publicUrl ? publicUrl.replace(/\/+$/, '') : `${request.protocol}://${request.host}`;
}
