import { createHash } from 'node:crypto';
import type { PlacementFallback } from '../../modules/placements/placements.schemas.js';
import { escapeHtml, urlAttr } from './escape.js';
import type { RenderableAd } from './render-types.js';

/**
 * The sandbox every piece of ad markup runs in: scripts and pop-ups (so a
 * click opens the landing page un-sandboxed), never same-origin, forms, top
 * navigation or modals. The ad tag sets it on its iframes; the
 * `/v1/ad/<placementId>` page must be served with it as a CSP header, because
 * a `<meta>` CSP cannot sandbox.
 */
export const AD_SANDBOX = 'allow-scripts allow-popups allow-popups-to-escape-sandbox';

/** Response headers for `renderIframePage`'s document. */
export const AD_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `sandbox ${AD_SANDBOX}`,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/**
 * Measures viewability inside the iframe page: MRC display rule, 50 % of the
 * ad's pixels (30 % from 242,500 px²) in the viewport for one continuous
 * second while the page is visible, then requests `data-viewable-url` once.
 * Constant text, so the strict CSP can allow it by hash.
 */
const VIEWABILITY_SCRIPT =
  "(function(){var el=document.getElementById('adp-ad'),url=el&&el.getAttribute('data-viewable-url');" +
  'if(!url||!window.IntersectionObserver)return;var need=el.offsetWidth*el.offsetHeight>=242500?0.3:0.5,timer=0,ratio=0,io;' +
  'function stop(){if(timer){clearTimeout(timer);timer=0}}' +
  'function fire(){io.disconnect();new Image().src=url}' +
  'function check(){if(ratio>=need&&!document.hidden){if(!timer)timer=setTimeout(fire,1000)}else stop()}' +
  'io=new IntersectionObserver(function(es){ratio=es[es.length-1].intersectionRatio;check()},{threshold:[0,0.3,0.5,1]});' +
  "io.observe(el);document.addEventListener('visibilitychange',check)})();";
const VIEWABILITY_HASH = `'sha256-${createHash('sha256').update(VIEWABILITY_SCRIPT).digest('base64')}'`;

/** Image and native ads need no script of their own: only images, media, inline styles and our viewability script. */
const STRICT_CSP = `default-src 'none'; img-src * data: blob:; media-src * data: blob:; style-src 'unsafe-inline'; script-src ${VIEWABILITY_HASH}; base-uri 'none'; form-action 'none'`;
/** Html creatives and passbacks load what they load; the sandbox (opaque origin) is what contains them. */
const CREATIVE_CSP = "default-src * data: blob: 'unsafe-inline' 'unsafe-eval'; base-uri 'none'; object-src 'none'";

const BASE_STYLE = '<style>html,body{margin:0;padding:0;overflow:hidden;background:transparent}</style>';

export interface IframePageOptions {
  fallback: PlacementFallback;
  /** The ad's format: `image` and `native` get the strict CSP; anything else may run scripts. Default `html`. */
  format?: string | undefined;
}

/** A complete HTML document around `body`, with a CSP and links opening in a new window. */
export function renderAdDocument(body: string, csp: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">` +
    `<base target="_blank">${BASE_STYLE}</head><body>${body}</body></html>`
  );
}

/**
 * The document `/v1/ad/<placementId>` answers (plain iframe invocation): the
 * ad's markup, its impression pixel (fires when the page renders) and, when
 * the ad has a viewable URL, the viewability script; or the placement's
 * passback markup; or an empty page.
 */
export function renderIframePage(ad: RenderableAd | null, options: IframePageOptions): string {
  if (!ad) {
    const fallback = options.fallback;
    return fallback.type === 'passback' ? renderAdDocument(fallback.html, CREATIVE_CSP) : renderAdDocument('', STRICT_CSP);
  }
  const isStrict = options.format === 'image' || options.format === 'native';
  const size =
    (ad.width ? `width:${Math.trunc(ad.width)}px;` : '') + (ad.height ? `height:${Math.trunc(ad.height)}px;` : '') + 'position:relative';
  const viewable = ad.viewableUrl ? ` data-viewable-url="${urlAttr(ad.viewableUrl)}"` : '';
  const pixel = ad.impressionUrl
    ? `<img src="${urlAttr(ad.impressionUrl)}" width="1" height="1" alt="" style="position:absolute;left:-10px;top:-10px;border:0">`
    : '';
  const script = ad.viewableUrl ? `<script>${VIEWABILITY_SCRIPT}</script>` : '';
  const body = `<div id="adp-ad" style="${size}"${viewable}>${ad.html}</div>${pixel}${script}`;
  return renderAdDocument(body, isStrict ? STRICT_CSP : CREATIVE_CSP);
}
