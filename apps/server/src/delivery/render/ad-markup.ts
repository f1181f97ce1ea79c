import { escapeHtml, safeUrl, urlAttr } from './escape.js';
import { type AdUrls, assetUrl, type RenderCreative } from './render-types.js';

/**
 * Click macros an html creative (and passback markup) may use; each is
 * replaced on every decision. Documented in docs/ad-tag.md.
 * - `{CLICK_URL}`: the signed click URL, made safe for an attribute, a JS
 *   string or text (`href="{CLICK_URL}"`, `window.open('{CLICK_URL}')`).
 * - `{CLICK_URL_ENC}`: the same URL percent-encoded as one query value, for a
 *   third-party redirector: `https://their.example/c?r={CLICK_URL_ENC}`.
 */
export const CLICK_MACROS = { raw: '{CLICK_URL}', encoded: '{CLICK_URL_ENC}' } as const;

/** Replaces the click macros in `html` (every occurrence). */
export function substituteClickMacros(html: string, clickUrl: string): string {
  const safe = safeUrl(clickUrl);
  return html.replaceAll(CLICK_MACROS.encoded, encodeURIComponent(safe)).replaceAll(CLICK_MACROS.raw, safe);
}

/** 1×1 pixels for the creative's third-party impression trackers; they load when the markup renders. */
export function trackerPixels(trackers: readonly string[]): string {
  return trackers
    .map((url) => `<img src="${urlAttr(url)}" width="1" height="1" alt="" style="position:absolute;left:-10px;top:-10px;border:0">`)
    .join('');
}

const dimensionAttrs = (width: number | undefined, height: number | undefined): string =>
  (width ? ` width="${Math.trunc(width)}"` : '') + (height ? ` height="${Math.trunc(height)}"` : '');

function imageMarkup(creative: RenderCreative, urls: AdUrls): string {
  const assets = creative.assets;
  if (!assets) return '';
  const width = creative.width ?? assets.original.width;
  const height = creative.height ?? assets.original.height;
  const alt = escapeHtml(creative.name ?? 'Advertisement');
  const original = urlAttr(assetUrl(urls.assetBaseUrl, assets.original.url));
  const webp = urlAttr(assetUrl(urls.assetBaseUrl, assets.webp.url));
  const img = `<img src="${original}"${dimensionAttrs(width, height)} alt="${alt}" style="display:block;border:0">`;
  return `<a href="${urlAttr(urls.clickUrl)}" target="_blank" rel="noopener"><picture><source srcset="${webp}" type="image/webp">${img}</picture></a>`;
}

const NATIVE_STYLE =
  '<style>.adp-n{display:flex;gap:10px;align-items:flex-start;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;text-decoration:none;max-width:100%}' +
  '.adp-n-img{width:40%;max-width:300px;height:auto;border:0;object-fit:cover}.adp-n-body{display:flex;flex-direction:column;gap:4px;min-width:0}' +
  '.adp-n-sponsor{font-size:12px;color:#666;display:flex;gap:6px;align-items:center}.adp-n-icon{width:16px;height:16px}' +
  '.adp-n-title{font-weight:600;font-size:16px}.adp-n-desc{color:#333}' +
  '.adp-n-cta{align-self:flex-start;margin-top:4px;padding:4px 10px;border-radius:4px;background:#1a66d6;color:#fff;font-size:13px}</style>';

/** The default native template: image, sponsor line, title, description, call to action — all one link. */
function nativeMarkup(creative: RenderCreative, urls: AdUrls): string {
  const native = creative.native;
  if (!native) return '';
  const icon = native.iconUrl ? `<img class="adp-n-icon" src="${urlAttr(native.iconUrl)}" alt="">` : '';
  const parts = [
    `<img class="adp-n-img" src="${urlAttr(native.imageUrl)}" alt="">`,
    '<span class="adp-n-body">',
    `<span class="adp-n-sponsor">${icon}Sponsored by ${escapeHtml(native.sponsor)}</span>`,
    `<strong class="adp-n-title">${escapeHtml(native.title)}</strong>`,
    native.description ? `<span class="adp-n-desc">${escapeHtml(native.description)}</span>` : '',
    native.callToAction ? `<span class="adp-n-cta">${escapeHtml(native.callToAction)}</span>` : '',
    '</span>',
  ];
  return `${NATIVE_STYLE}<a class="adp-n" href="${urlAttr(urls.clickUrl)}" target="_blank" rel="noopener">${parts.join('')}</a>`;
}

/** Video outside a player: the first media file, muted, with a link to the landing page. VAST is the real path. */
function videoMarkup(creative: RenderCreative, urls: AdUrls): string {
  const file = creative.video?.mediaFiles?.[0];
  if (!file) return '';
  const size = dimensionAttrs(creative.width ?? file.width, creative.height ?? file.height);
  return (
    `<video src="${urlAttr(file.url)}"${size} muted playsinline autoplay loop style="display:block;max-width:100%"></video>` +
    `<a href="${urlAttr(urls.clickUrl)}" target="_blank" rel="noopener" style="position:absolute;right:4px;bottom:4px;font:12px sans-serif;color:#fff;background:rgba(0,0,0,.6);padding:2px 6px;text-decoration:none">Learn more</a>`
  );
}

/**
 * The `html` of an ad: a fragment to render inside a sandboxed iframe (the ad
 * tag's srcdoc, or `renderIframePage`). Every text and attribute is escaped;
 * html creatives are stored markup with their click macros substituted. The
 * creative's third-party impression trackers are appended as pixels; the
 * platform's own impression URL is not (the tag or the page fires it once).
 */
export function renderAdMarkup(creative: RenderCreative, urls: AdUrls): string {
  const body = bodyMarkup(creative, urls);
  return body + trackerPixels(creative.impressionTrackers ?? []);
}

function bodyMarkup(creative: RenderCreative, urls: AdUrls): string {
  switch (creative.format) {
    case 'image':
      return imageMarkup(creative, urls);
    case 'html':
      return substituteClickMacros(creative.html ?? '', urls.clickUrl);
    case 'native':
      return nativeMarkup(creative, urls);
    case 'video':
      return videoMarkup(creative, urls);
  }
}
