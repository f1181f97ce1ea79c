import type { ReportQuery } from '@adplatform/ports';
import { columnsOf, EVENTS_SOURCE, type ReportSource, rollupSource } from './duckdb-report-sql.js';
import { chooseRollup, HOUR_MS } from './duckdb-rollups.js';
import { hasOffsetsMultipleOf, zonedDayStartMs } from './time-zones.js';

/** The instants a query's local dates span: [start of `from`, start of the day after `to`). */
export function reportRange(query: ReportQuery): { startMs: number; endMs: number } {
  const nextDay = new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { startMs: zonedDayStartMs(query.from, query.timeZone), endMs: zonedDayStartMs(nextDay, query.timeZone) };
}

/**
 * The coarsest source that answers exactly: a local-day rollup when the
 * query's zone is the organization's rollup zone (`rollupZone`) and no `hour`
 * is asked; an hourly rollup when the zone's offset is whole hours, changing
 * on whole hours, throughout the range; raw events otherwise, or when no
 * rollup keeps every column the query groups or filters by.
 */
export function chooseSource(query: ReportQuery, range: { startMs: number; endMs: number }, rollupZone: string): ReportSource {
  const localDay = !query.dimensions.includes('hour') && rollupZone === query.timeZone;
  const hour = hasOffsetsMultipleOf(query.timeZone, range.startMs, range.endMs, HOUR_MS);
  const def = chooseRollup(columnsOf(query), { hour, localDay });
  return def ? rollupSource(def) : EVENTS_SOURCE;
}
