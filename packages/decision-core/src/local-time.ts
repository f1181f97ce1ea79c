/**
 * Local weekday and hour of an instant in an IANA time zone, for day-parts.
 * `Intl.DateTimeFormat` is ECMAScript (no Node globals); constructing one is
 * the expensive part, so one formatter per zone is kept for the process. The
 * instant is always passed in: nothing here reads a clock.
 */
export interface LocalTime {
  /** 0 = Monday … 6 = Sunday, the order of `WEEKDAYS`. */
  readonly weekday: number;
  /** 0..23. */
  readonly hour: number;
}

const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone: compileIndex calls this once per zone so a bad zone fails the build, not a request.
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localTimeAt(epochMs: number, timeZone: string): LocalTime {
  let weekday = -1;
  let hour = -1;
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type === 'weekday') weekday = WEEKDAY_INDEX[part.value] ?? -1;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
  }
  if (weekday < 0 || hour < 0) throw new Error(`cannot read the local time in ${timeZone}`);
  return { weekday, hour };
}

/** Throws when the runtime does not know the zone. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}
