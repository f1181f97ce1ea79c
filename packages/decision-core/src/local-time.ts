/**
 * Local weekday, hour and calendar day of an instant in an IANA time zone, for day-parts and daily
 * budgets. `Intl.DateTimeFormat` is ECMAScript (no Node globals); constructing one is the expensive
 * part, so one formatter per zone is kept for the process, and reading it (`formatToParts`, a few µs)
 * is cached per zone for the current local hour and the current local day: live traffic asks about
 * "now" over and over. The instant is always passed in: nothing here reads a clock. The caches are
 * memos of a pure function, so the answers never depend on them.
 */
export interface LocalTime {
  /** 0 = Monday … 6 = Sunday, the order of `WEEKDAYS`. */
  readonly weekday: number;
  /** 0..23. */
  readonly hour: number;
}

/** A local calendar day and the instants it spans, [startMs, endMs): 23, 24 or 25 hours long. */
export interface LocalDay {
  /** `YYYY-MM-DD` in the zone. */
  readonly date: string;
  readonly startMs: number;
  readonly endMs: number;
}

const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone: compileIndex calls this once per zone so a bad zone fails the build, not a request.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in the zone at an instant (whole seconds). */
function wallClock(epochMs: number, timeZone: string): WallClock {
  const wall: WallClock = { year: 0, month: 0, day: 0, weekday: -1, hour: -1, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type === 'weekday') wall.weekday = WEEKDAY_INDEX[part.value] ?? -1;
    else if (part.type === 'hour') wall.hour = Number(part.value) % 24;
    else if (part.type === 'year' || part.type === 'month' || part.type === 'day' || part.type === 'minute' || part.type === 'second')
      wall[part.type] = Number(part.value);
  }
  if (wall.weekday < 0 || wall.hour < 0) throw new Error(`cannot read the local time in ${timeZone}`);
  return wall;
}

/** The zone's offset from UTC at an instant, ms (local wall clock − UTC). */
function offsetMs(epochMs: number, timeZone: string): number {
  const w = wallClock(epochMs, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/** The instant a local wall-clock time (given as if it were UTC) happens in the zone; the later offset wins in a gap. */
function instantOf(wallAsUtcMs: number, timeZone: string): number {
  const guess = wallAsUtcMs - offsetMs(wallAsUtcMs, timeZone);
  return wallAsUtcMs - offsetMs(guess, timeZone);
}

const hourCache = new Map<string, { startMs: number; endMs: number; time: LocalTime }>();
const dayCache = new Map<string, LocalDay>();

export function localTimeAt(epochMs: number, timeZone: string): LocalTime {
  const cached = hourCache.get(timeZone);
  if (cached !== undefined && epochMs >= cached.startMs && epochMs < cached.endMs) return cached.time;
  const w = wallClock(epochMs, timeZone);
  const time: LocalTime = Object.freeze({ weekday: w.weekday, hour: w.hour });
  // Offsets change on a local hour boundary in every zone in use, so the local hour holds until the next one.
  const startMs = epochMs - (((epochMs % 1000) + 1000) % 1000) - (w.minute * 60 + w.second) * 1000;
  hourCache.set(timeZone, { startMs, endMs: startMs + HOUR_MS, time });
  return time;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar day of an instant in the zone: its date and the instants it spans (DST days are 23 or 25 hours). */
export function localDayAt(epochMs: number, timeZone: string): LocalDay {
  const cached = dayCache.get(timeZone);
  if (cached !== undefined && epochMs >= cached.startMs && epochMs < cached.endMs) return cached;
  const w = wallClock(epochMs, timeZone);
  const startMs = instantOf(Date.UTC(w.year, w.month - 1, w.day), timeZone);
  const endMs = instantOf(Date.UTC(w.year, w.month - 1, w.day + 1), timeZone);
  const day: LocalDay = Object.freeze({ date: `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`, startMs, endMs });
  // A zone whose midnight is skipped starts its day later than the computed instant; only cache a span that holds the instant.
  if (epochMs >= startMs && epochMs < endMs) dayCache.set(timeZone, day);
  return day;
}

/** Throws when the runtime does not know the zone. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}
