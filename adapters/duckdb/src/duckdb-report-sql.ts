import type { ReportDimension, ReportFilterField, ReportMetric, ReportQuery } from '@adplatform/ports';
import { MAX_REPORT_LIMIT } from '@adplatform/ports';
import type { DuckDBValue } from '@duckdb/node-api';
import type { RollupDef } from './duckdb-rollups.js';
import { ROLLUP_SUM_COLUMNS, timeKeyOf } from './duckdb-rollups.js';
import { COUNTED_EVENTS } from './duckdb-schema.js';

/**
 * Report SQL from whitelisted names only: every identifier below comes from a
 * fixed table, every value from the query is a bound parameter.
 */
export const DIMENSION_COLUMNS: Record<Exclude<ReportDimension, 'day' | 'hour'>, string> = {
  advertiser: 'advertiser_id',
  campaign: 'campaign_id',
  lineItem: 'line_item_id',
  creative: 'creative_id',
  publisher: 'publisher_id',
  site: 'site_id',
  placement: 'placement_id',
  country: 'country',
  deviceType: 'device_type',
  os: 'os',
  browser: 'browser',
};

export const FILTER_COLUMNS: Record<ReportFilterField, string> = {
  advertiserId: 'advertiser_id',
  campaignId: 'campaign_id',
  lineItemId: 'line_item_id',
  creativeId: 'creative_id',
  publisherId: 'publisher_id',
  siteId: 'site_id',
  placementId: 'placement_id',
  country: 'country',
  deviceType: 'device_type',
};

const SUM_NAMES = ['s_req', 's_imp', 's_view', 's_clk', 's_conv', 's_cost', 's_rev'] as const;

/**
 * Where a report reads from: a local-day rollup (`localDay`: its rows are
 * already local days of the query's zone), an hourly rollup, or raw events
 * in 15-minute buckets (for what no rollup answers).
 */
export interface ReportSource {
  table: string;
  localDay: boolean;
  timeColumn: string;
  bucket: string;
  /** The width of a bucket, ms: the buckets of a range are generated, each converted to local time once. */
  stepMs: number;
  sums: readonly string[];
  where: string;
}

const typeCount = (type: string) => `count(*) FILTER (WHERE type = '${type}')`;

export const rollupSource = (def: RollupDef): ReportSource => ({
  table: def.table,
  localDay: def.grain === 'localDay',
  timeColumn: timeKeyOf(def),
  bucket: timeKeyOf(def),
  stepMs: def.grain === 'hour' ? 3_600_000 : 86_400_000,
  sums: ROLLUP_SUM_COLUMNS.map((c) => `sum(${c})`),
  where: '',
});

/** The rollup and event columns a query groups or filters by (besides time). */
export function columnsOf(query: ReportQuery): Set<string> {
  const columns = new Set<string>();
  for (const dim of query.dimensions) if (dim !== 'day' && dim !== 'hour') columns.add(DIMENSION_COLUMNS[dim]);
  for (const field of Object.keys(query.filters ?? {})) columns.add(FILTER_COLUMNS[field as ReportFilterField]);
  return columns;
}

export const EVENTS_SOURCE: ReportSource = {
  table: 'events',
  localDay: false,
  timeColumn: 'at_ms',
  bucket: 'at_ms - ((at_ms % 900000) + 900000) % 900000',
  stepMs: 900_000,
  sums: [...['request', 'impression', 'viewable', 'click', 'conversion'].map(typeCount), 'sum(cost_micros)', 'sum(revenue_micros)'],
  where: ` AND ${COUNTED_EVENTS}`,
};

const METRIC_ORDER: Record<ReportMetric, string> = {
  requests: 's_req',
  impressions: 's_imp',
  fillRate: 's_imp::DOUBLE / nullif(s_req, 0)',
  viewableImpressions: 's_view',
  viewableRate: 's_view::DOUBLE / nullif(s_imp, 0)',
  clicks: 's_clk',
  ctr: 's_clk::DOUBLE / nullif(s_imp, 0)',
  conversions: 's_conv',
  conversionRate: 's_conv::DOUBLE / nullif(s_clk, 0)',
  spend: 's_cost',
  revenue: 's_rev',
  ecpm: 's_cost::DOUBLE * 1000 / nullif(s_imp, 0)',
  ecpc: 's_cost::DOUBLE / nullif(s_clk, 0)',
  cpa: 's_cost::DOUBLE / nullif(s_conv, 0)',
};

export interface BuiltSql {
  sql: string;
  params: Record<string, DuckDBValue>;
}

function innerSql(query: ReportQuery, source: ReportSource, dims: readonly ReportDimension[], params: Record<string, DuckDBValue>) {
  const select: string[] = [];
  const local = !source.localDay && (dims.includes('day') || dims.includes('hour'));
  if (dims.includes('day')) select.push(source.localDay ? 'local_day' : 'b.local_day');
  if (dims.includes('hour')) select.push('b.local_hour');
  for (const dim of dims) if (dim !== 'day' && dim !== 'hour') select.push(DIMENSION_COLUMNS[dim]);
  source.sums.forEach((sum, i) => {
    select.push(`${sum} AS ${SUM_NAMES[i]}`);
  });
  const time = source.localDay
    ? 'local_day >= $from_day::DATE AND local_day <= $to_day::DATE'
    : `${source.timeColumn} >= $start AND ${source.timeColumn} < $end`;
  let where = `organization_id = $org AND ${time}${source.where}`;
  for (const [field, values] of Object.entries(query.filters ?? {})) {
    const column = FILTER_COLUMNS[field as ReportFilterField];
    if (!values || values.length === 0) {
      where += ' AND false';
      continue;
    }
    const names = values.map((value, i) => {
      params[`${field}_${i}`] = value;
      return `$${field}_${i}`;
    });
    where += ` AND ${column} IN (${names.join(', ')})`;
  }
  const from = local ? `${source.table} JOIN buckets b ON b.b_ms = ${source.bucket}` : source.table;
  return `SELECT ${select.join(', ')} FROM ${from} WHERE ${where} GROUP BY ALL HAVING count(*) > 0`;
}

const outerSums = SUM_NAMES.map((name) => `coalesce(sum(${name}), 0)::HUGEINT AS ${name}`).join(', ');
/** The inner query's one row per group, its sums as HUGEINT (a sum over no money is NULL: 0). */
const groupSums = SUM_NAMES.map((name) => `coalesce(${name}, 0)::HUGEINT AS ${name}`).join(', ');

function dimensionExpression(dim: ReportDimension, source: ReportSource): string {
  if (dim === 'day') return source.localDay ? "strftime(local_day, '%Y-%m-%d')" : 'local_day';
  if (dim === 'hour') return 'local_hour';
  return DIMENSION_COLUMNS[dim];
}

/**
 * Local day and hour of every bucket of the range: a time-zone conversion per
 * bucket (720 hours in 30 days), not per row; the source joins it so the one
 * aggregation groups by local day or hour directly.
 */
const LOCAL_BUCKETS = `SELECT b_ms,
    strftime(timezone($tz, to_timestamp(b_ms / 1000)), '%Y-%m-%d') AS local_day,
    strftime(timezone($tz, to_timestamp(b_ms / 1000)), '%Y-%m-%dT%H:00') AS local_hour
  FROM range($bucket_start::BIGINT, $end::BIGINT, $bucket_step::BIGINT) r(b_ms)`;

function baseParams(query: ReportQuery, source: ReportSource, range: { startMs: number; endMs: number }): Record<string, DuckDBValue> {
  if (source.localDay) return { org: query.organizationId, from_day: query.from, to_day: query.to };
  return { org: query.organizationId, start: BigInt(range.startMs), end: BigInt(range.endMs) };
}

/**
 * The grouped rows. Paged (the API's JSON answer): `limit` defaults to
 * MAX_REPORT_LIMIT and each row carries `total_rows`, the group count before
 * the page. Not paged (an export): every row, unless the query sets a limit.
 */
export function reportRowsSql(query: ReportQuery, source: ReportSource, range: { startMs: number; endMs: number }, paged = true): BuiltSql {
  const params = baseParams(query, source, range);
  const dims = query.dimensions;
  if (!source.localDay && (dims.includes('day') || dims.includes('hour'))) {
    params.tz = query.timeZone;
    params.bucket_start = BigInt(range.startMs - (((range.startMs % source.stepMs) + source.stepMs) % source.stepMs));
    params.bucket_step = BigInt(source.stepMs);
  }
  const inner = innerSql(query, source, dims, params);
  const select = dims.map((dim) => `${dimensionExpression(dim, source)} AS "${dim}"`);
  const order = [
    ...(query.sort ?? []).map((s) => {
      const expr = (dims as readonly string[]).includes(s.by) ? `"${s.by}"` : METRIC_ORDER[s.by as ReportMetric];
      return `${expr} ${s.direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`;
    }),
    ...dims.map((dim) => `"${dim}" ASC NULLS LAST`),
  ];
  let page = '';
  if (paged || query.limit !== undefined) {
    params.limit = BigInt(query.limit ?? MAX_REPORT_LIMIT);
    page += ' LIMIT $limit';
  }
  if (paged || query.offset !== undefined) {
    params.offset = BigInt(query.offset ?? 0);
    page += ' OFFSET $offset';
  }
  const local = params.tz !== undefined;
  // The inner query groups by exactly the dimensions: one row per group, so no second aggregation.
  const columns = [...select, groupSums, ...(paged ? ['count(*) OVER () AS total_rows'] : [])];
  const sql = `WITH ${local ? `buckets AS (${LOCAL_BUCKETS}), ` : ''}grouped AS (${inner})
    SELECT ${columns.join(', ')}
    FROM grouped
    ${order.length > 0 ? `ORDER BY ${order.join(', ')}` : ''}${page}`;
  return { sql, params };
}

/**
 * Each metric from a row's sums in SQL, equal to the port's `metricValue`:
 * rates as DOUBLE quotients of the integer sums, money as DECIMAL(38,0) (exact
 * in Parquet, where HUGEINT would become a DOUBLE), money ratios truncated.
 */
export const METRIC_FROM_SUMS: Record<ReportMetric, string> = {
  requests: 's_req::BIGINT',
  impressions: 's_imp::BIGINT',
  fillRate: 's_imp::DOUBLE / nullif(s_req, 0)',
  viewableImpressions: 's_view::BIGINT',
  viewableRate: 's_view::DOUBLE / nullif(s_imp, 0)',
  clicks: 's_clk::BIGINT',
  ctr: 's_clk::DOUBLE / nullif(s_imp, 0)',
  conversions: 's_conv::BIGINT',
  conversionRate: 's_conv::DOUBLE / nullif(s_clk, 0)',
  spend: 's_cost::DECIMAL(38,0)',
  revenue: 's_rev::DECIMAL(38,0)',
  ecpm: '(s_cost * 1000 // nullif(s_imp, 0))::DECIMAL(38,0)',
  ecpc: '(s_cost // nullif(s_clk, 0))::DECIMAL(38,0)',
  cpa: '(s_cost // nullif(s_conv, 0))::DECIMAL(38,0)',
};

/** Every row of the report as its dimensions and metrics (an export's columns), in the report's order. */
export function reportExportSql(query: ReportQuery, source: ReportSource, range: { startMs: number; endMs: number }): BuiltSql {
  const rows = reportRowsSql(query, source, range, false);
  const columns = [...query.dimensions.map((dim) => `"${dim}"`), ...query.metrics.map((m) => `${METRIC_FROM_SUMS[m]} AS "${m}"`)];
  return { sql: `SELECT ${columns.join(', ')} FROM (${rows.sql})`, params: rows.params };
}

/** The sums over the whole query. */
export function reportTotalsSql(query: ReportQuery, source: ReportSource, range: { startMs: number; endMs: number }): BuiltSql {
  const params = baseParams(query, source, range);
  const inner = innerSql(query, source, [], params);
  return { sql: `SELECT ${outerSums} FROM (${inner})`, params };
}

export { SUM_NAMES };
