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

/**
 * Whether the zone's offset is a multiple of `unitMs` throughout [startMs,
 * endMs): an hour (then UTC hours are local hours) or a day (only offset 0:
 * then UTC days are local days). Sampled every 6 hours and at the end: no zone
 * changes its offset twice within 6 hours.
 */
export function hasOffsetsMultipleOf(timeZone: string, startMs: number, endMs: number, unitMs: number): boolean {
  for (let atMs = startMs; atMs < endMs + 86_400_000; atMs += 6 * 3_600_000) {
    if (offsetMsAt(timeZone, Math.min(atMs, endMs - 1)) % unitMs !== 0) return false;
  }
  return true;
}
