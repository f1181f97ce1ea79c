/**
 * Escapers for the markup delivery writes. Every value that comes from a
 * creative, a placement or a URL goes through one of these before it lands in
 * HTML or XML; nothing is concatenated raw.
 */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };
const HTML_SPECIALS = /[&<>"'`]/g;

/** Text content and quoted attribute values, in HTML and in XML alike. */
export function escapeHtml(value: string): string {
  return value.replace(HTML_SPECIALS, (char) => HTML_ENTITIES[char] ?? char);
}

/** XML text and attributes: the same five specials, plus control characters XML 1.0 forbids. */
export function escapeXml(value: string): string {
  return stripXmlInvalid(value).replace(HTML_SPECIALS, (char) => HTML_ENTITIES[char] ?? char);
}

// Characters outside XML 1.0's Char production (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/F).
const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function stripXmlInvalid(value: string): string {
  return value.replace(XML_INVALID, '');
}

/** A CDATA section holding `value` verbatim: a `]]>` inside is split across two sections. */
export function cdata(value: string): string {
  return `<![CDATA[${stripXmlInvalid(value).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

const SAFE_URL = /^(https?:\/\/|\/(?!\/))/i;
// Anything that could end a quoted attribute, a JS string or a CSS url(), or that a browser strips.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among the unsafe ones.
const URL_UNSAFE_CHARS = /[\s"'<>`\\^{}|\u0000-\u001F\u007F]/g;
/** The same class, to test for one: most URLs (every tracking URL) have none, and a test is cheaper than a replace. */
const HAS_URL_UNSAFE_CHAR = new RegExp(URL_UNSAFE_CHARS.source);

/**
 * An http(s) or root-relative URL made safe to drop into an attribute, a JS
 * string or text unescaped: characters that could break out of any of those
 * are percent-encoded. Any other scheme (javascript:, data:, …) becomes
 * `about:blank`.
 */
export function safeUrl(url: string): string {
  const trimmed = url.trim();
  if (!SAFE_URL.test(trimmed)) return 'about:blank';
  if (!HAS_URL_UNSAFE_CHAR.test(trimmed)) return trimmed;
  return trimmed.replace(URL_UNSAFE_CHARS, (char) => encodeURIComponent(char).replace(/'/g, '%27'));
}

/** `safeUrl`, then escaped for an HTML attribute (turns `&` into `&amp;`). */
export const urlAttr = (url: string): string => escapeHtml(safeUrl(url));
