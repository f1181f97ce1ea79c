/** At most this many languages come out; targeting rarely cares beyond the first few. */
export const MAX_LANGUAGES = 5;
/** Only this much of the header is read: bounds the work on a hostile header. */
export const ACCEPT_LANGUAGE_MAX_CHARS = 1_000;

const LANGUAGE = /^[a-z]{2}$/;
// RFC 9110 qvalue: 0 to 1 with at most three decimals.
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

interface Weighted {
  code: string;
  /** The qvalue in thousandths, an integer, so ordering never depends on float rounding. */
  weight: number;
  position: number;
}

/**
 * The languages of an `Accept-Language` header as ISO 639-1 codes, most
 * preferred first: region and script subtags folded to the primary language
 * (`en-GB` → `en`), `*` and codes that are not two letters (`fil`, `x-…`)
 * dropped, `q=0` and malformed weights dropped, a language listed twice kept
 * once at its highest weight, ordered by weight then by position, at most
 * `MAX_LANGUAGES`. Never throws; garbage gives `[]`.
 */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  const text = header.length > ACCEPT_LANGUAGE_MAX_CHARS ? header.slice(0, ACCEPT_LANGUAGE_MAX_CHARS) : header;
  const byCode = new Map<string, Weighted>();
  let position = 0;
  for (const item of text.split(',')) {
    const parsed = parseItem(item);
    if (parsed === undefined) continue;
    const seen = byCode.get(parsed.code);
    if (seen === undefined) byCode.set(parsed.code, { ...parsed, position: position++ });
    else if (parsed.weight > seen.weight) seen.weight = parsed.weight;
  }
  if (byCode.size === 0) return [];
  const ranked = [...byCode.values()].sort((a, b) => b.weight - a.weight || a.position - b.position);
  const languages: string[] = [];
  for (let i = 0; i < ranked.length && i < MAX_LANGUAGES; i++) languages.push((ranked[i] as Weighted).code);
  return languages;
}

function parseItem(item: string): { code: string; weight: number } | undefined {
  const [range = '', ...params] = item.split(';');
  const tag = range.trim().toLowerCase();
  const primary = tag.split(/[-_]/, 1)[0] ?? '';
  if (!LANGUAGE.test(primary)) return undefined;
  let weight = 1_000;
  for (const param of params) {
    const [name = '', value = ''] = param.split('=', 2).map((part) => part.trim());
    if (name.toLowerCase() !== 'q') continue;
    if (!QVALUE.test(value)) return undefined;
    weight = Math.round(Number(value) * 1_000);
  }
  return weight > 0 ? { code: primary, weight } : undefined;
}
