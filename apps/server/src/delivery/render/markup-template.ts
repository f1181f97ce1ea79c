import { renderAdMarkup } from './ad-markup.js';
import { safeUrl } from './escape.js';
import type { AdUrls, RenderCreative } from './render-types.js';

/**
 * A creative's `renderAdMarkup` output with holes where the click URL goes, rendered once per creative
 * and origin: a decision then only joins the pieces around its signed click URL, instead of escaping and
 * rendering the creative again (every escape of the markup depends on the creative and the origin, none
 * on the decision but the click URL).
 *
 * The holes are found by rendering with a sentinel click URL whose every escaping is known: it is left
 * as is by `safeUrl` and `escapeHtml` (a plain http URL of letters, digits, dots, slashes and dashes), so a
 * hole is the sentinel itself (where the markup has the URL made safe, or escaped for an attribute) or its
 * `encodeURIComponent` (the `{CLICK_URL_ENC}` macro). A creative whose stored fields contain the
 * sentinel's core gets no template and renders the slow way.
 */
export interface MarkupTemplate {
  /** Markup around the holes: `pieces.length === holes.length + 1`. */
  readonly pieces: readonly string[];
  /** Per hole: the click URL made safe (`safe`), or that percent-encoded as one query value (`encoded`). */
  readonly holes: readonly ('safe' | 'encoded')[];
}

const SENTINEL_CORE = 'adp-click-hole-5e1f0c';
const SENTINEL = `https://${SENTINEL_CORE}.invalid/c`;
const SENTINEL_ENCODED = encodeURIComponent(SENTINEL);
const HOLE = new RegExp(`${escapeRegExp(SENTINEL_ENCODED)}|${escapeRegExp(SENTINEL)}`, 'g');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The template of a creative's markup at an origin; undefined when it cannot have one (see above). */
export function compileMarkupTemplate(creative: RenderCreative, assetBaseUrl: string): MarkupTemplate | undefined {
  if (JSON.stringify(creative).includes(SENTINEL_CORE) || assetBaseUrl.includes(SENTINEL_CORE)) return undefined;
  const markup = renderAdMarkup(creative, { clickUrl: SENTINEL, impressionUrl: '', assetBaseUrl });
  const pieces: string[] = [];
  const holes: ('safe' | 'encoded')[] = [];
  let from = 0;
  for (const match of markup.matchAll(HOLE)) {
    pieces.push(markup.slice(from, match.index));
    holes.push(match[0] === SENTINEL ? 'safe' : 'encoded');
    from = match.index + match[0].length;
  }
  pieces.push(markup.slice(from));
  return { pieces, holes };
}

/**
 * The template filled with a click URL: exactly `renderAdMarkup(creative, urls)` for the same creative and
 * origin, or undefined when the URL made safe holds an `&` (an attribute escapes it, the html macro does
 * not, so the two kinds of hole would differ): the caller renders that one the slow way.
 */
export function fillMarkupTemplate(template: MarkupTemplate, clickUrl: string): string | undefined {
  const safe = safeUrl(clickUrl);
  if (safe.includes('&')) return undefined;
  const { pieces, holes } = template;
  let markup = pieces[0] ?? '';
  const encoded = holes.includes('encoded') ? encodeURIComponent(safe) : '';
  for (let i = 0; i < holes.length; i++) {
    markup += holes[i] === 'safe' ? safe : encoded;
    markup += pieces[i + 1] ?? '';
  }
  return markup;
}

/** Templates by creative object (a snapshot's creatives live as long as it does) and origin; at most this many origins each. */
const MAX_ORIGINS_PER_CREATIVE = 8;
const templates = new WeakMap<object, Map<string, MarkupTemplate | undefined>>();

/**
 * `renderAdMarkup(creative, urls)` through the creative's template at `urls.assetBaseUrl`, compiled on
 * first use and kept with the creative object. `key` is the object the template is kept with: the
 * snapshot's creative record (never mutated once built).
 */
export function renderAdMarkupCached<K extends object>(key: K, creative: (key: K) => RenderCreative, urls: AdUrls): string {
  let byOrigin = templates.get(key);
  if (byOrigin === undefined) {
    byOrigin = new Map();
    templates.set(key, byOrigin);
  }
  let template = byOrigin.get(urls.assetBaseUrl);
  if (template === undefined && !byOrigin.has(urls.assetBaseUrl)) {
    template = compileMarkupTemplate(creative(key), urls.assetBaseUrl);
    if (byOrigin.size < MAX_ORIGINS_PER_CREATIVE) byOrigin.set(urls.assetBaseUrl, template);
  }
  return (template && fillMarkupTemplate(template, urls.clickUrl)) ?? renderAdMarkup(creative(key), urls);
}
