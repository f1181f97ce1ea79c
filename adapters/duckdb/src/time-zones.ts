/** Time-zone arithmetic for report ranges, on Intl only (no tz database of our own). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at an instant, ms (UTC+05:30 → 19,800,000). */
export function offsetMsAt(timeZone: string, atMs: number): number {
  const name = formatterOf(timeZone)
    .formatToParts(atMs)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name ?? '');
  if (!match) return 0; // "GMT": UTC itself
  const ms = ((Number(match[2]) * 60 + Number(match[3])) * 60 + Number(match[4] ?? 0)) * 1000;
  return match[1] === '-' ? -ms : ms;
}

/** The instant a local date `YYYY-MM-DD` starts in `timeZone`, epoch ms. */
export function zonedDayStartMs(date: string, timeZone: string): number {
  const asUtc = Date.parse(`${date}T00:00:00Z`);
  const first = asUtc - offsetMsAt(timeZone, asUtc);
  const second = offsetMsAt(timeZone, first);
  return asUtc - second;
}

/** The first instant in (beforeMs, afterMs] at which the zone's offset differs from its offset at `beforeMs`. */
function transitionBetween(timeZone: string, beforeMs: number, afterMs: number): number {
  const before = offsetMsAt(timeZone, beforeMs);
  let [low, high] = [beforeMs, afterMs];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetMsAt(timeZone, middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * Whether, throughout [startMs, endMs), the zone's offset is a multiple of
 * `unitMs` and changes only at multiples of `unitMs` (epoch-aligned): then
 * every UTC bucket of that width lies in one local bucket of that width, e.g.
 * a UTC hour in one local hour (and one local day). Sampled every 6 hours (no
 * zone changes its offset twice within 6 hours); a change between samples is
 * found to the millisecond by bisection.
 */
export function hasOffsetsMultipleOf(timeZone: string, startMs: number, endMs: number, unitMs: number): boolean {
  const stepMs = 6 * 3_600_000;
  let previousMs = startMs;
  let previous = offsetMsAt(timeZone, startMs);
  if (previous % unitMs !== 0) return false;
  for (let atMs = startMs + stepMs; previousMs < endMs - 1; atMs += stepMs) {
    const sampleMs = Math.min(atMs, endMs - 1);
    const offset = offsetMsAt(timeZone, sampleMs);
    if (offset !== previous) {
      if (offset % unitMs !== 0) return false;
      const changeMs = transitionBetween(timeZone, previousMs, sampleMs);
      if (((changeMs % unitMs) + unitMs) % unitMs !== 0) return false;
    }
    [previousMs, previous] = [sampleMs, offset];
  }
  return true;
}
