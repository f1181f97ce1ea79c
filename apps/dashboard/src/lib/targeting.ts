/**
 * The targeting object of campaigns and line items (docs/targeting.md), as the
 * editor reads and writes it: every key optional, an empty list means "no
 * restriction", so `normalizeTargeting` drops empty parts before sending.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'ctv'] as const;
export const OS_NAMES = ['windows', 'macos', 'ios', 'android', 'linux', 'chromeos'] as const;
export const BROWSER_NAMES = ['chrome', 'safari', 'firefox', 'edge', 'opera', 'samsung internet'] as const;

export interface GeoRadius {
  lat: number;
  lon: number;
  km: number;
}
export interface DayPart {
  days: Weekday[];
  startHour: number;
  endHour: number;
}
export interface TargetingRules {
  geo?: { countries?: string[]; regions?: string[]; cities?: string[]; metros?: string[]; radius?: GeoRadius[] };
  deviceTypes?: string[];
  os?: string[];
  browsers?: string[];
  languages?: string[];
  keywords?: { any?: string[]; all?: string[]; none?: string[] };
  segments?: { any?: string[]; none?: string[] };
  keyValues?: Record<string, string[]>;
  dayParts?: DayPart[];
  domains?: { allow?: string[]; block?: string[] };
  placements?: string[];
  categories?: { allow?: string[]; block?: string[] };
}
export interface Targeting extends TargetingRules {
  exclude?: TargetingRules;
}

type Json = unknown;

function prune(value: Json): Json {
  if (Array.isArray(value)) return value.length > 0 ? value : undefined;
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, inner] of Object.entries(value)) {
      const kept = prune(inner);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

/** Drops empty lists and objects (they mean "no restriction"): `{}` targets everything. */
export function normalizeTargeting(targeting: Targeting): Targeting {
  return (prune(targeting) as Targeting | undefined) ?? {};
}

/** A 7 × 24 grid of the hours a day-part list covers, Monday first. */
export function dayPartsToGrid(parts: readonly DayPart[] | undefined): boolean[][] {
  const grid = WEEKDAYS.map(() => Array.from({ length: 24 }, () => false));
  for (const part of parts ?? []) {
    for (const day of part.days) {
      const row = grid[WEEKDAYS.indexOf(day)];
      if (!row) continue;
      for (let hour = part.startHour; hour < part.endHour; hour += 1) row[hour] = true;
    }
  }
  return grid;
}

/** The shortest day-part list for a grid: each day's runs of hours, days with the same run merged. */
export function gridToDayParts(grid: readonly (readonly boolean[])[]): DayPart[] {
  const byRun = new Map<string, DayPart>();
  WEEKDAYS.forEach((day, d) => {
    const row = grid[d] ?? [];
    let hour = 0;
    while (hour < 24) {
      if (!row[hour]) {
        hour += 1;
        continue;
      }
      const start = hour;
      while (hour < 24 && row[hour]) hour += 1;
      const key = `${start}-${hour}`;
      const part = byRun.get(key);
      if (part) part.days.push(day);
      else byRun.set(key, { days: [day], startHour: start, endHour: hour });
    }
  });
  return [...byRun.values()];
}

const list = (values: readonly string[] | undefined) => (values ?? []).join(', ');

let regionNames: Intl.DisplayNames | undefined;
export function countryName(code: string): string {
  regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Every two-letter code the browser can name: the country picker's choices, with no data shipped. */
export function knownCountries(): { code: string; name: string }[] {
  const out: { code: string; name: string }[] = [];
  for (let a = 65; a <= 90; a += 1) {
    for (let b = 65; b <= 90; b += 1) {
      const code = String.fromCharCode(a, b);
      const name = countryName(code);
      // Retired codes (DD, UK, SU…) share their successor's name: keep only the code a locale canonicalizes to.
      const current = new Intl.Locale(`und-${code}`).region === code;
      if (name !== code && current && !/^(EU|EZ|UN|QO|XA|XB|ZZ)$/.test(code)) out.push({ code, name });
    }
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
}

const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** The rules in plain words, one line per dimension, for summaries and review. */
export function describeTargeting(targeting: Targeting, names: Record<string, string> = {}): string[] {
  const t = normalizeTargeting(targeting);
  const lines = describeRules(t, names);
  if (t.exclude) for (const line of describeRules(t.exclude, names)) lines.push(`Except ${line[0]?.toLowerCase()}${line.slice(1)}`);
  return lines.length > 0 ? lines : ['Everyone, everywhere, at any time'];
}

function describeRules(t: TargetingRules, names: Record<string, string>): string[] {
  const lines: string[] = [];
  const named = (ids: readonly string[] | undefined) => (ids ?? []).map((id) => names[id] ?? id).join(', ');
  const geo = t.geo;
  if (geo) {
    const places = [
      ...(geo.countries ?? []).map(countryName),
      ...(geo.regions ?? []),
      ...(geo.cities ?? []),
      ...(geo.metros ?? []).map((m) => `metro ${m}`),
      ...(geo.radius ?? []).map((r) => `${r.km} km around ${r.lat}, ${r.lon}`),
    ];
    lines.push(`In ${places.join(' or ')}`);
  }
  if (t.deviceTypes) lines.push(`On ${list(t.deviceTypes)} devices`);
  if (t.os) lines.push(`Operating system ${list(t.os)}`);
  if (t.browsers) lines.push(`Browser ${list(t.browsers)}`);
  if (t.languages) lines.push(`Language ${list(t.languages)}`);
  if (t.keywords?.any) lines.push(`Pages about any of ${list(t.keywords.any)}`);
  if (t.keywords?.all) lines.push(`Pages about all of ${list(t.keywords.all)}`);
  if (t.keywords?.none) lines.push(`Not pages about ${list(t.keywords.none)}`);
  if (t.segments?.any) lines.push(`People in ${named(t.segments.any)}`);
  if (t.segments?.none) lines.push(`Not people in ${named(t.segments.none)}`);
  for (const [key, values] of Object.entries(t.keyValues ?? {})) lines.push(`Key ${key} is ${values.join(' or ')}`);
  for (const part of t.dayParts ?? []) {
    lines.push(`${part.days.map((d) => WEEKDAY_NAMES[d].slice(0, 3)).join(', ')} ${hour(part.startHour)}–${hour(part.endHour)}`);
  }
  if (t.domains?.allow) lines.push(`Only on ${list(t.domains.allow)}`);
  if (t.domains?.block) lines.push(`Never on ${list(t.domains.block)}`);
  if (t.placements) lines.push(`Placements ${named(t.placements)}`);
  if (t.categories?.allow) lines.push(`Content categories ${list(t.categories.allow)}`);
  if (t.categories?.block) lines.push(`Not content categories ${list(t.categories.block)}`);
  return lines;
}
