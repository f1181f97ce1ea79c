import { invalidField } from '@adplatform/domain';
import type { DeliveryEvent } from './event-log.js';

/**
 * The analytics port: delivery events in columns, and grouped reports over
 * them. DuckDB is the embedded default (adapters/duckdb); ClickHouse follows
 * with the scale-out work. Report SQL lives behind this port, never in routes.
 *
 * Contract (packages/ports/src/contracts/analytics-store.contract.ts):
 * - `ingest` is idempotent per event id, across calls and restarts: an id
 *   already stored (or repeated within the batch) counts as a duplicate and
 *   changes no report. It resolves once the batch is stored (durably, for a
 *   file-backed store); calls may overlap, the store serialises them.
 * - Reports count only valid events (no `invalid` flag); `explain` and video
 *   events are stored but no metric counts them yet.
 * - `report` sees only `organizationId`'s rows, whatever the filters say.
 */
export interface AnalyticsStore {
  readonly kind: string;
  ingest(events: readonly DeliveryEvent[]): Promise<{ inserted: number; duplicates: number }>;
  /** Throws `VALIDATION_FAILED` (naming the field) for a query `checkReportQuery` refuses. */
  report(query: ReportQuery): Promise<ReportResult>;
  /**
   * Every row of the report as a file in `format`, streamed: the rows in the
   * report's order (`sort` honoured; `limit`/`offset` only when set, else all
   * rows), no totals. Validates like `report` and starts the query before it
   * resolves, so a refused query throws here, not mid-stream. The store holds
   * a bounded part of the file in memory at a time, whatever its row count;
   * the consumer must read the iterable to its end or call its `return` (a
   * `for await` that breaks does) to free what it holds.
   */
  exportReport(query: ReportQuery, format: ReportExportFormat): Promise<AsyncIterable<Uint8Array>>;
  /** Resolves when the store answers a trivial query; for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const REPORT_DIMENSIONS = [
  'day',
  'hour',
  'advertiser',
  'campaign',
  'lineItem',
  'creative',
  'publisher',
  'site',
  'placement',
  'country',
  'deviceType',
  'os',
  'browser',
] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/**
 * Counts are numbers; money (`spend`, `revenue`, `ecpm`, `ecpc`, `cpa`) is
 * integer micros as a decimal string, ratios of money rounded down; rates are
 * decimals (0.0125 = 1.25%) from integer sums. A ratio whose denominator is 0
 * is `null` (no impressions means no CTR, not a CTR of 0).
 *
 * requests = `request` events; impressions = `impression` events; fillRate =
 * impressions / requests; viewableImpressions = `viewable` events;
 * viewableRate = viewable / impressions; clicks; ctr = clicks / impressions;
 * conversions; conversionRate = conversions / clicks; spend = Σ costMicros;
 * revenue = Σ revenueMicros; ecpm = spend × 1000 / impressions; ecpc = spend /
 * clicks; cpa = spend / conversions.
 */
export const REPORT_METRICS = [
  'requests',
  'impressions',
  'fillRate',
  'viewableImpressions',
  'viewableRate',
  'clicks',
  'ctr',
  'conversions',
  'conversionRate',
  'spend',
  'revenue',
  'ecpm',
  'ecpc',
  'cpa',
] as const;
export type ReportMetric = (typeof REPORT_METRICS)[number];

export const REPORT_FILTER_FIELDS = [
  'advertiserId',
  'campaignId',
  'lineItemId',
  'creativeId',
  'publisherId',
  'siteId',
  'placementId',
  'country',
  'deviceType',
] as const;
export type ReportFilterField = (typeof REPORT_FILTER_FIELDS)[number];

export interface ReportSort {
  by: ReportDimension | ReportMetric;
  direction: 'asc' | 'desc';
}

export interface ReportQuery {
  organizationId: string;
  dimensions: readonly ReportDimension[];
  metrics: readonly ReportMetric[];
  /** Local dates `YYYY-MM-DD` in `timeZone`, both inclusive. */
  from: string;
  to: string;
  /** IANA name, e.g. `Europe/Berlin`; `day` and `hour` are local to it. */
  timeZone: string;
  /** Each field keeps rows whose value is one of the listed; fields combine with AND. */
  filters?: Partial<Record<ReportFilterField, readonly string[]>>;
  /** Ties, and no sort at all, fall back to the dimensions in order, ascending; nulls last. */
  sort?: readonly ReportSort[];
  /** Rows per page; default and maximum `MAX_REPORT_LIMIT`. */
  limit?: number;
  offset?: number;
}

export type ReportValue = string | number | null;
/** A row: each requested dimension (`day` 'YYYY-MM-DD', `hour` 'YYYY-MM-DDTHH:00', ids; null when the event had none) and metric. */
export type ReportRow = Record<string, ReportValue>;

export interface ReportResult {
  rows: ReportRow[];
  /** The requested metrics over every row of the query, not only this page. */
  totals: ReportRow;
  /** Rows the query has before `limit`/`offset`. */
  totalRows: number;
}

/**
 * Export formats. CSV (RFC 4180, CRLF): a header of the dimensions then the
 * metrics, values as in the JSON answer (null is an empty field). Parquet:
 * the same columns typed: dimensions VARCHAR, counts BIGINT, rates DOUBLE,
 * money DECIMAL(38,0) micros.
 */
export const REPORT_EXPORT_FORMATS = ['csv', 'parquet'] as const;
export type ReportExportFormat = (typeof REPORT_EXPORT_FORMATS)[number];
export const REPORT_EXPORT_MEDIA_TYPES: Record<ReportExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

export const MAX_REPORT_LIMIT = 10_000;
/** The longest range one report may span, in days. */
export const MAX_REPORT_DAYS = 1_096;

/** The integer sums every metric is computed from. */
export interface MetricSums {
  requests: bigint;
  impressions: bigint;
  viewables: bigint;
  clicks: bigint;
  conversions: bigint;
  costMicros: bigint;
  revenueMicros: bigint;
}

const rate = (num: bigint, den: bigint): number | null => (den === 0n ? null : Number(num) / Number(den));
const moneyRatio = (num: bigint, den: bigint): string | null => (den === 0n ? null : (num / den).toString());

/** One metric's value from the sums, as every adapter must report it. */
export function metricValue(metric: ReportMetric, s: MetricSums): ReportValue {
  switch (metric) {
    case 'requests':
      return Number(s.requests);
    case 'impressions':
      return Number(s.impressions);
    case 'fillRate':
      return rate(s.impressions, s.requests);
    case 'viewableImpressions':
      return Number(s.viewables);
    case 'viewableRate':
      return rate(s.viewables, s.impressions);
    case 'clicks':
      return Number(s.clicks);
    case 'ctr':
      return rate(s.clicks, s.impressions);
    case 'conversions':
      return Number(s.conversions);
    case 'conversionRate':
      return rate(s.conversions, s.clicks);
    case 'spend':
      return s.costMicros.toString();
    case 'revenue':
      return s.revenueMicros.toString();
    case 'ecpm':
      return moneyRatio(s.costMicros * 1000n, s.impressions);
    case 'ecpc':
      return moneyRatio(s.costMicros, s.clicks);
    case 'cpa':
      return moneyRatio(s.costMicros, s.conversions);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (text: string) => DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

/** Throws `VALIDATION_FAILED` naming the first bad field: an unknown dimension, metric, filter or time zone, a bad range. */
export function checkReportQuery(query: ReportQuery): void {
  query.dimensions.forEach((name, i) => {
    if (!(REPORT_DIMENSIONS as readonly string[]).includes(name)) throw invalidField(`dimensions/${i}`, `unknown dimension "${name}"`);
  });
  if (query.metrics.length === 0) throw invalidField('metrics', 'must name at least one metric');
  query.metrics.forEach((name, i) => {
    if (!(REPORT_METRICS as readonly string[]).includes(name)) throw invalidField(`metrics/${i}`, `unknown metric "${name}"`);
  });
  for (const field of ['from', 'to'] as const) {
    if (!isDate(query[field])) throw invalidField(field, 'must be a date YYYY-MM-DD');
  }
  const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
  if (days < 0) throw invalidField('to', 'must not be before from');
  if (days >= MAX_REPORT_DAYS) throw invalidField('to', `the range must span at most ${MAX_REPORT_DAYS} days`);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: query.timeZone });
  } catch {
    throw invalidField('timeZone', `unknown time zone "${query.timeZone}"`);
  }
  for (const [field, values] of Object.entries(query.filters ?? {})) {
    if (!(REPORT_FILTER_FIELDS as readonly string[]).includes(field)) throw invalidField(`filters/${field}`, 'unknown filter');
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))
      throw invalidField(`filters/${field}`, 'must be a list of strings');
  }
  (query.sort ?? []).forEach((sort, i) => {
    const known = (query.dimensions as readonly string[]).includes(sort.by) || (REPORT_METRICS as readonly string[]).includes(sort.by);
    if (!known) throw invalidField(`sort/${i}/by`, `"${sort.by}" is neither a requested dimension nor a metric`);
    if (sort.direction !== 'asc' && sort.direction !== 'desc') throw invalidField(`sort/${i}/direction`, 'must be asc or desc');
  });
  const { limit, offset } = query;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_REPORT_LIMIT)) {
    throw invalidField('limit', `must be an integer from 1 to ${MAX_REPORT_LIMIT}`);
  }
  if (offset !== undefined && (!Number.isInteger(offset) || offset < 0)) throw invalidField('offset', 'must be a non-negative integer');
}
