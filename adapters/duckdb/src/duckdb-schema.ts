/**
 * Tables of the DuckDB analytics store. `events` holds every ingested event
 * once; `rollup_hourly` holds partial sums per (organization, UTC hour, report
 * dimensions), appended once per ingested batch and re-summed by reports.
 * `events_staging` (temporary, per connection) is the appender's target for
 * the batch being ingested.
 */
export const EVENT_COLUMNS = [
  ['id', 'VARCHAR NOT NULL'],
  ['type', 'VARCHAR NOT NULL'],
  ['at_ms', 'BIGINT NOT NULL'],
  ['organization_id', 'VARCHAR NOT NULL'],
  ['decision_id', 'VARCHAR'],
  ['advertiser_id', 'VARCHAR'],
  ['campaign_id', 'VARCHAR'],
  ['line_item_id', 'VARCHAR'],
  ['creative_id', 'VARCHAR'],
  ['publisher_id', 'VARCHAR'],
  ['site_id', 'VARCHAR'],
  ['placement_id', 'VARCHAR'],
  ['country', 'VARCHAR'],
  ['region', 'VARCHAR'],
  ['device_type', 'VARCHAR'],
  ['os', 'VARCHAR'],
  ['browser', 'VARCHAR'],
  ['cost_micros', 'BIGINT'],
  ['revenue_micros', 'BIGINT'],
  ['value_micros', 'BIGINT'],
  ['invalid_reason', 'VARCHAR'],
] as const;

/** The dimension columns the rollup keeps (and reports may group or filter by). */
export const ROLLUP_DIMENSION_COLUMNS = [
  'advertiser_id',
  'campaign_id',
  'line_item_id',
  'creative_id',
  'publisher_id',
  'site_id',
  'placement_id',
  'country',
  'device_type',
  'os',
  'browser',
] as const;

const eventTable = (name: string, kind = 'TABLE') =>
  `CREATE ${kind} IF NOT EXISTS ${name} (${EVENT_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})`;

export const SCHEMA_SQL = [
  eventTable('events'),
  // Temporary: the batch being ingested is never written to the WAL.
  eventTable('events_staging', 'TEMP TABLE'),
  `CREATE TABLE IF NOT EXISTS rollup_hourly (
    organization_id VARCHAR NOT NULL, hour_ms BIGINT NOT NULL,
    ${ROLLUP_DIMENSION_COLUMNS.map((c) => `${c} VARCHAR`).join(', ')},
    requests BIGINT NOT NULL, impressions BIGINT NOT NULL, viewables BIGINT NOT NULL, clicks BIGINT NOT NULL,
    conversions BIGINT NOT NULL, cost_micros HUGEINT NOT NULL, revenue_micros HUGEINT NOT NULL)`,
];

const HOUR_MS = 3_600_000;

/** The events reports count: valid ones of a measured type or with money; both report sources use it, so they agree. */
export const COUNTED_EVENTS = `invalid_reason IS NULL
    AND (type IN ('request', 'impression', 'viewable', 'click', 'conversion') OR cost_micros IS NOT NULL OR revenue_micros IS NOT NULL)`;
const dims = ROLLUP_DIMENSION_COLUMNS.join(', ');

/** Sums of the batch's new valid events per hour and dimensions, appended to the rollup. */
export const ROLLUP_FRESH_SQL = `INSERT INTO rollup_hourly
  SELECT organization_id, at_ms - ((at_ms % ${HOUR_MS}) + ${HOUR_MS}) % ${HOUR_MS}, ${dims},
    count(*) FILTER (WHERE type = 'request'), count(*) FILTER (WHERE type = 'impression'),
    count(*) FILTER (WHERE type = 'viewable'), count(*) FILTER (WHERE type = 'click'),
    count(*) FILTER (WHERE type = 'conversion'), coalesce(sum(cost_micros), 0), coalesce(sum(revenue_micros), 0)
  FROM fresh
  WHERE ${COUNTED_EVENTS}
  GROUP BY ALL`;
