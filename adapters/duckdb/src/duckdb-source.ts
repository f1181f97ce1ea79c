import type { ReportQuery } from '@adplatform/ports';
import { columnsOf, EVENTS_SOURCE, type ReportSource, rollupSource } from './duckdb-report-sql.js';
import { chooseRollup } from './duckdb-rollups.js';
import { hasOffsetsMultipleOf, zonedDayStartMs } from './time-zones.js';

/** The instants a query's local dates span: [start of `from`, start of the day after `to`). */
export function reportRange(query: ReportQuery): { startMs: number; endMs: number } {
  const nextDay = new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { startMs: zonedDayStartMs(query.from, query.timeZone), endMs: zonedDayStartMs(nextDay, query.timeZone) };
}

/**
 * The coarsest source that answers exactly: a daily rollup (UTC days) when the
 * zone is at UTC throughout the range and no `hour` is asked; an hourly rollup
 * when the zone's offset is whole hours throughout; raw events otherwise, or
 * when no rollup keeps every column the query groups or filters by.
 */
export function chooseSource(query: ReportQuery, range: { startMs: number; endMs: number }): ReportSource {
  const hour = hasOffsetsMultipleOf(query.timeZone, range.startMs, range.endMs, 3_600_000);
  const day = !query.dimensions.includes('hour') && hasOffsetsMultipleOf(query.timeZone, range.startMs, range.endMs, 86_400_000);
  const def = hour || day ? chooseRollup(columnsOf(query), { hour, day }) : undefined;
  return def ? rollupSource(def) : EVENTS_SOURCE;
}
