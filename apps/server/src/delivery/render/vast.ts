import type { CreativeData } from '../../modules/creatives/creatives.schemas.js';
import { cdata, escapeXml, safeUrl } from './escape.js';

/** The linear tracking events we write, in play order. */
export const VAST_QUARTILE_EVENTS = ['start', 'firstQuartile', 'midpoint', 'thirdQuartile', 'complete'] as const;
export type VastTrackingEvent = (typeof VAST_QUARTILE_EVENTS)[number];

const VAST_NS = 'http://www.iab.com/VAST';

/** The ad a VAST document describes. */
export interface VastAd {
  /** `Ad@id`: the decision id. */
  id: string;
  /** `AdServingId`: unique per served ad (the decision id again is right). */
  adServingId: string;
  creativeId: string;
  /** `AdTitle`: the creative's or line item's name. */
  title: string;
  advertiser?: string | undefined;
  video: NonNullable<CreativeData['video']>;
  /** The creative's third-party impression trackers. */
  impressionTrackers?: readonly string[] | undefined;
}

export interface VastOptions {
  impressionUrl: string;
  /** The signed click URL (redirects to the landing page): `ClickThrough` of an inline ad. */
  clickUrl: string;
  /** A URL counting the click without redirecting: `ClickTracking` (the only click element of a wrapper). */
  clickTrackingUrl?: string | undefined;
  eventUrl: (event: VastTrackingEvent) => string;
  /** Requested by the player on errors; may carry the `[ERRORCODE]` macro. */
  errorUrl?: string | undefined;
  adSystem: { name: string; version?: string | undefined };
}

/** `00:00:16` from 16 seconds (VAST `Duration` is `HH:MM:SS`). */
export function vastDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.trunc(totalSeconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/**
 * A URL for a VAST URI element: `safeUrl`, then square brackets and stray `%`
 * percent-encoded so the value is a URI — except `[MACRO]` tokens
 * (`[ERRORCODE]`, `[CONTENTPLAYHEAD]`, …), which the player must see verbatim.
 */
export function vastUrl(url: string): string {
  return safeUrl(url).replace(/\[([A-Z][A-Z0-9_]*)\]|[[\]]|%(?![0-9A-Fa-f]{2})/g, (match, macro) =>
    macro ? match : encodeURIComponent(match),
  );
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * A VAST 4.2 document: an `InLine` ad for a creative with media files, a
 * `Wrapper` around its `vastTagUrl` otherwise. No ad → the empty response
 * `<VAST version="4.2"/>` (in VAST 4 "no ad" is a VAST element without an
 * `Ad`; `noAdErrorUrl` adds the optional root `Error`, which a player
 * requests with error code 303).
 */
export function renderVast(ad: VastAd | null, options: VastOptions & { noAdErrorUrl?: string | undefined }): string {
  if (!ad) {
    const error = options.noAdErrorUrl ? `<Error>${cdata(vastUrl(options.noAdErrorUrl))}</Error>` : '';
    return error
      ? `${XML_DECL}<VAST version="4.2" xmlns="${VAST_NS}">${error}</VAST>`
      : `${XML_DECL}<VAST version="4.2" xmlns="${VAST_NS}"/>`;
  }
  const isInline = (ad.video.mediaFiles?.length ?? 0) > 0;
  const body = isInline ? inline(ad, options) : wrapper(ad, options);
  return `${XML_DECL}<VAST version="4.2" xmlns="${VAST_NS}"><Ad id="${escapeXml(ad.id)}">${body}</Ad></VAST>`;
}

/** AdSystem, Error, Impression: the head both InLine and Wrapper start with, in schema order. */
function head(ad: VastAd, options: VastOptions): string {
  const version = options.adSystem.version ? ` version="${escapeXml(options.adSystem.version)}"` : '';
  const error = options.errorUrl ? `<Error>${cdata(vastUrl(options.errorUrl))}</Error>` : '';
  const impressions = [options.impressionUrl, ...(ad.impressionTrackers ?? [])]
    .map((url, i) => `<Impression id="${i === 0 ? 'adplatform' : `tracker-${i}`}">${cdata(vastUrl(url))}</Impression>`)
    .join('');
  return `<AdSystem${version}>${escapeXml(options.adSystem.name)}</AdSystem>${error}${impressions}`;
}

const trackingEvents = (options: VastOptions): string =>
  `<TrackingEvents>${VAST_QUARTILE_EVENTS.map((event) => `<Tracking event="${event}">${cdata(vastUrl(options.eventUrl(event)))}</Tracking>`).join('')}</TrackingEvents>`;

const clickTracking = (options: VastOptions): string =>
  options.clickTrackingUrl ? `<ClickTracking id="adplatform">${cdata(vastUrl(options.clickTrackingUrl))}</ClickTracking>` : '';

function mediaFiles(ad: VastAd): string {
  return (ad.video.mediaFiles ?? [])
    .map((file, i) => {
      const bitrate = file.bitrateKbps ? ` bitrate="${Math.trunc(file.bitrateKbps)}"` : '';
      const attrs = `id="${i + 1}" delivery="progressive" type="${escapeXml(file.mimeType)}" width="${file.width}" height="${file.height}"${bitrate} maintainAspectRatio="true"`;
      return `<MediaFile ${attrs}>${cdata(vastUrl(file.url))}</MediaFile>`;
    })
    .join('');
}

function inline(ad: VastAd, options: VastOptions): string {
  const linear =
    `<Linear>${trackingEvents(options)}<Duration>${vastDuration(ad.video.durationSeconds)}</Duration>` +
    `<MediaFiles>${mediaFiles(ad)}</MediaFiles>` +
    `<VideoClicks>${clickTracking(options)}<ClickThrough id="adplatform">${cdata(vastUrl(options.clickUrl))}</ClickThrough></VideoClicks></Linear>`;
  const creative =
    `<Creative id="${escapeXml(ad.creativeId)}" adId="${escapeXml(ad.creativeId)}" sequence="1">${linear}` +
    // 4.2 requires UniversalAdId; "unknown" is the value the spec gives when no registry id exists.
    '<UniversalAdId idRegistry="unknown">unknown</UniversalAdId></Creative>';
  const advertiser = ad.advertiser ? `<Advertiser>${escapeXml(ad.advertiser)}</Advertiser>` : '';
  return (
    `<InLine>${head(ad, options)}<AdServingId>${escapeXml(ad.adServingId)}</AdServingId>` +
    `<AdTitle>${escapeXml(ad.title)}</AdTitle>${advertiser}<Creatives>${creative}</Creatives></InLine>`
  );
}

function wrapper(ad: VastAd, options: VastOptions): string {
  const clicks = options.clickTrackingUrl ? `<VideoClicks>${clickTracking(options)}</VideoClicks>` : '';
  const creative = `<Creative id="${escapeXml(ad.creativeId)}" adId="${escapeXml(ad.creativeId)}"><Linear>${trackingEvents(options)}${clicks}</Linear></Creative>`;
  return `<Wrapper>${head(ad, options)}<Creatives>${creative}</Creatives><VASTAdTagURI>${cdata(vastUrl(ad.video.vastTagUrl ?? ''))}</VASTAdTagURI></Wrapper>`;
}
