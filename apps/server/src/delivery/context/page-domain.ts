const LABEL = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
// The last label starts with a letter: IP addresses and bare numbers are no domain.
const TOP_LABEL = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Longer URLs are not read; a browser's page URL this long is an attack or a bug. */
export const PAGE_URL_MAX_CHARS = 8_192;

/**
 * The site domain of a page URL, as `domains` targeting compares it: the host
 * lowercased, without port, credentials or a trailing dot, and without one
 * leading `www.` (so `https://www.news.example/a` is `news.example`, the
 * domain a publisher registers for the site; a targeting list naming
 * `www.news.example` therefore never matches — write the registrable name).
 * Only http and https URLs count; an IP address, a single-label host or
 * anything malformed gives undefined. Never throws.
 */
export function pageDomain(url: string | undefined): string | undefined {
  if (!url || url.length > PAGE_URL_MAX_CHARS) return undefined;
  const host = hostOf(url);
  if (host === undefined) return undefined;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const domain = name.startsWith('www.') && name.indexOf('.', 4) > 0 ? name.slice(4) : name;
  return isDomainName(domain) ? domain : undefined;
}

/** The lowercase host of an http(s) URL: a hand-written fast path for plain ASCII, WHATWG URL otherwise (IDN, escapes). */
function hostOf(url: string): string | undefined {
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : schemeLength(url);
  if (start === 0) return undefined;
  let end = start;
  while (end < url.length) {
    const code = url.charCodeAt(end);
    if (code === 47 || code === 63 || code === 35) break; // / ? #
    end++;
  }
  let authority = url.slice(start, end);
  if (/^[A-Za-z0-9.:@_-]*$/.test(authority)) {
    const at = authority.lastIndexOf('@');
    if (at >= 0) authority = authority.slice(at + 1);
    const colon = authority.indexOf(':');
    return (colon >= 0 ? authority.slice(0, colon) : authority).toLowerCase();
  }
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** The authority's offset for `HTTP://` or `Https://` (schemes are case-insensitive); 0 when not http(s). */
function schemeLength(url: string): number {
  const head = url.slice(0, 8).toLowerCase();
  if (head.startsWith('https://')) return 8;
  if (head.startsWith('http://')) return 7;
  return 0;
}

function isDomainName(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (let i = 0; i < labels.length - 1; i++) if (!LABEL.test(labels[i] as string)) return false;
  return TOP_LABEL.test(labels[labels.length - 1] as string);
}
