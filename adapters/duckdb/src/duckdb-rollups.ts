import type { CodedColumn } from './duckdb-schema.js';
import { COUNTED_EVENTS, COUNTED_STAGED, stagedTypeCode } from './duckdb-schema.js';

/** The report dimensions a rollup may keep (all coded columns in staging). */
export type RollupColumn = Extract<
  CodedColumn,
  | 'advertiser_id'
  | 'campaign_id'
  | 'line_item_id'
  | 'creative_id'
  | 'publisher_id'
  | 'site_id'
  | 'placement_id'
  | 'country'
  | 'device_type'
  | 'os'
  | 'browser'
>;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** The bucket events are grouped in before their local day is found: every zone's offset and change is on a quarter hour. */
export const QUARTER_HOUR_MS = 900_000;

/**
 * A rollup: sums of the counted events per organization, time bucket and
 * `columns`. The bucket is a UTC hour (`bucket_ms`), or a day local to the
 * organization's rollup zone (`local_day`, see duckdb-zone-rollups.ts). Narrow
 * on purpose: a report reads the first rollup (in `ROLLUPS` order, coarsest
 * first) that keeps every column it groups or filters by, at a grain its time
 * zone allows; raw events answer the rest. Rows are partial sums (ingest
 * appends, compaction merges), so readers always re-sum.
 */
export interface RollupDef {
  table: string;
  grain: 'hour' | 'localDay';
  columns: readonly RollupColumn[];
}

export const ROLLUPS: readonly RollupDef[] = [
  { table: 'rollup_campaign_local_daily', grain: 'localDay', columns: ['advertiser_id', 'campaign_id'] },
  { table: 'rollup_inventory_local_daily', grain: 'localDay', columns: ['publisher_id', 'site_id', 'placement_id'] },
  { table: 'rollup_campaign_hourly', grain: 'hour', columns: ['advertiser_id', 'campaign_id'] },
  { table: 'rollup_audience_hourly', grain: 'hour', columns: ['country', 'device_type', 'os', 'browser'] },
  { table: 'rollup_delivery_hourly', grain: 'hour', columns: ['advertiser_id', 'campaign_id', 'line_item_id', 'creative_id'] },
  { table: 'rollup_inventory_hourly', grain: 'hour', columns: ['publisher_id', 'site_id', 'placement_id'] },
];

/** Rollups of earlier versions, derived data: dropped on open (the UTC-day ones gave way to the local-day ones). */
export const RETIRED_ROLLUPS = ['rollup_hourly', 'rollup_campaign_daily', 'rollup_inventory_daily'] as const;

export const ROLLUP_SUM_COLUMNS = [
  'requests',
  'impressions',
  'viewables',
  'clicks',
  'conversions',
  'cost_micros',
  'revenue_micros',
] as const;

/** The rollup's time key column. */
export const timeKeyOf = (def: RollupDef) => (def.grain === 'hour' ? 'bucket_ms' : 'local_day');

/** The hourly rollup with the same columns as a local-day one: what a zone change re-buckets. */
export function hourlyTwinOf(def: RollupDef): RollupDef | undefined {
  return ROLLUPS.find((other) => other.grain === 'hour' && other.columns.join() === def.columns.join());
}

export function rollupTableSql(def: RollupDef): string {
  const time = def.grain === 'hour' ? 'bucket_ms BIGINT NOT NULL' : 'local_day DATE NOT NULL';
  return `CREATE TABLE IF NOT EXISTS ${def.table} (
    organization_id VARCHAR NOT NULL, ${time}, ${def.columns.map((c) => `${c} VARCHAR`).join(', ')},
    requests BIGINT NOT NULL, impressions BIGINT NOT NULL, viewables BIGINT NOT NULL, clicks BIGINT NOT NULL,
    conversions BIGINT NOT NULL, ${MONEY_COLUMNS})`;
}

/**
 * Money sums are HUGEINT (exact past 64 bits), stored uncompressed: DuckDB
 * 1.5 scans a bit-packed HUGEINT column ~15× slower than an uncompressed
 * one (measured: summing 0.9 M rows, 180 ms against 11 ms), and that scan
 * was most of a rollup read. 16 bytes a row; rollups are small.
 */
const MONEY_COLUMNS = ['cost_micros', 'revenue_micros'].map((c) => `${c} HUGEINT NOT NULL USING COMPRESSION uncompressed`).join(', ');

/** The start of the `sizeMs` bucket holding `at_ms` (floor, also before 1970). */
export const floorSql = (column: string, sizeMs: number) => `${column} - ((${column} % ${sizeMs}) + ${sizeMs}) % ${sizeMs}`;

/** The local date, in zone `zoneSql`, of the instant `msSql` (epoch ms). */
export const localDaySql = (zoneSql: string, msSql: string) => `CAST(timezone(${zoneSql}, to_timestamp(${msSql} / 1000)) AS DATE)`;

export const COUNTED_TYPES = ['request', 'impression', 'viewable', 'click', 'conversion'] as const;
const NAMED_SUMS = (n: (i: number) => string) => COUNTED_TYPES.map((_, i) => n(i));

/** The rollup zone of an organization named by `orgSql`: its row in `rollup_zones`, else UTC. */
export const zoneOfSql = (orgSql: string) =>
  `coalesce((SELECT z.time_zone FROM rollup_zones z WHERE z.organization_id = ${orgSql}), 'UTC')`;

/**
 * Appends the staged batch's sums to a rollup (run in ingest's transaction,
 * after the batch's duplicates are gone): grouped on the dictionary codes
 * (and for a local-day rollup on quarter hours, each distinct one converted
 * to its organization's local day once), then only the groups are decoded.
 */
export function rollupFromStagedSql(def: RollupDef): string {
  const keys = ['organization_id', ...def.columns];
  const counts = COUNTED_TYPES.map((t, i) => `count(*) FILTER (WHERE type_c = ${stagedTypeCode(t)}) AS n${i}`);
  const size = def.grain === 'hour' ? HOUR_MS : QUARTER_HOUR_MS;
  const inner = `SELECT ${keys.map((c) => `${c}_c`).join(', ')}, ${floorSql('at_ms', size)} AS bucket_ms, ${counts.join(', ')},
      coalesce(sum(cost_micros), 0) AS cost, coalesce(sum(revenue_micros), 0) AS revenue
    FROM events_staging WHERE ${COUNTED_STAGED} GROUP BY ALL`;
  const decoded = keys.map((c) => `d_${c}.value`);
  const joins = keys.map((c) => `LEFT JOIN staging_dict d_${c} ON d_${c}.code = g.${c}_c`);
  if (def.grain === 'hour') {
    return `INSERT INTO ${def.table}
    SELECT ${decoded[0]}, g.bucket_ms, ${decoded.slice(1).join(', ')}, ${NAMED_SUMS((i) => `g.n${i}`).join(', ')}, g.cost, g.revenue
    FROM (${inner}) g ${joins.join(' ')}`;
  }
  const codes = keys.map((c) => `${c}_c`).join(', ');
  const days = `SELECT q.organization_id_c, q.bucket_ms, ${localDaySql(zoneOfSql('d.value'), 'q.bucket_ms')} AS local_day
    FROM (SELECT DISTINCT organization_id_c, bucket_ms FROM quarters) q JOIN staging_dict d ON d.code = q.organization_id_c`;
  const byDay = `SELECT ${codes}, days.local_day, ${NAMED_SUMS((i) => `sum(n${i}) AS n${i}`).join(', ')},
      sum(cost) AS cost, sum(revenue) AS revenue
    FROM quarters JOIN days USING (organization_id_c, bucket_ms) GROUP BY ALL`;
  return `INSERT INTO ${def.table}
    WITH quarters AS (${inner}), days AS (${days})
    SELECT ${decoded[0]}, g.local_day, ${decoded.slice(1).join(', ')}, ${NAMED_SUMS((i) => `g.n${i}`).join(', ')}, g.cost, g.revenue
    FROM (${byDay}) g ${joins.join(' ')}`;
}

const MONEY_SUMS = 'coalesce(sum(cost_micros), 0), coalesce(sum(revenue_micros), 0)';
const TYPE_COUNTS = COUNTED_TYPES.map((t) => `count(*) FILTER (WHERE type = '${t}')`).join(', ');

/**
 * Fills a rollup from stored events: the same sums ingest appends. `where`
 * (trusted SQL over `events`, e.g. one organization) narrows the events; a
 * local-day rollup takes each organization's rollup zone.
 */
export function rollupFromEventsSql(def: RollupDef, where = 'true'): string {
  if (def.grain === 'hour') {
    return `INSERT INTO ${def.table}
    SELECT organization_id, ${floorSql('at_ms', HOUR_MS)}, ${def.columns.join(', ')}, ${TYPE_COUNTS}, ${MONEY_SUMS}
    FROM events WHERE ${COUNTED_EVENTS} AND ${where} GROUP BY ALL`;
  }
  const sums = [...NAMED_SUMS((i) => `n${i}`), 'cost', 'revenue'].map((c) => `sum(${c})`).join(', ');
  return `INSERT INTO ${def.table}
    WITH quarters AS (
      SELECT organization_id, ${floorSql('at_ms', QUARTER_HOUR_MS)} AS bucket_ms, ${def.columns.join(', ')},
        ${COUNTED_TYPES.map((t, i) => `count(*) FILTER (WHERE type = '${t}') AS n${i}`).join(', ')},
        coalesce(sum(cost_micros), 0) AS cost, coalesce(sum(revenue_micros), 0) AS revenue
      FROM events WHERE ${COUNTED_EVENTS} AND ${where} GROUP BY ALL),
    days AS (
      SELECT organization_id, bucket_ms, ${localDaySql(zoneOfSql('q.organization_id'), 'q.bucket_ms')} AS local_day
      FROM (SELECT DISTINCT organization_id, bucket_ms FROM quarters) q)
    SELECT organization_id, days.local_day, ${def.columns.join(', ')}, ${sums}
    FROM quarters JOIN days USING (organization_id, bucket_ms) GROUP BY ALL`;
}

/** Fills an hourly rollup from a finer one (the same hours, a superset of its columns): the same sums, fewer rows read. */
export function rollupFromParentSql(def: RollupDef, parent: RollupDef): string {
  const sums = ROLLUP_SUM_COLUMNS.map((c) => `sum(${c})`).join(', ');
  return `INSERT INTO ${def.table}
    SELECT organization_id, bucket_ms, ${def.columns.join(', ')}, ${sums} FROM ${parent.table} GROUP BY ALL`;
}

/** An hourly rollup other than `def` that keeps every column of it, to fill `def` from. */
export function finerHourlyOf(def: RollupDef): RollupDef | undefined {
  return ROLLUPS.find(
    (other) =>
      other !== def &&
      other.grain === 'hour' &&
      other.columns.length > def.columns.length &&
      def.columns.every((c) => other.columns.includes(c)),
  );
}

/** The rollup re-summed into one row per key, ordered by organization and time so zone maps prune by range. */
export function rollupCompactionSql(def: RollupDef): string[] {
  const time = timeKeyOf(def);
  const keys = ['organization_id', time, ...def.columns].join(', ');
  const sums = ROLLUP_SUM_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ');
  return [
    `CREATE OR REPLACE TEMP TABLE rollup_compacted AS
      SELECT ${keys}, ${sums} FROM ${def.table} GROUP BY ALL ORDER BY organization_id, ${time}`,
    `DELETE FROM ${def.table}`,
    `INSERT INTO ${def.table} SELECT * FROM rollup_compacted`,
    'DROP TABLE rollup_compacted',
  ];
}

/**
 * The coarsest rollup that keeps every column in `needed` at an allowed grain,
 * or undefined when only raw events can answer.
 */
export function chooseRollup(needed: ReadonlySet<string>, grains: { hour: boolean; localDay: boolean }): RollupDef | undefined {
  return ROLLUPS.find((def) => grains[def.grain] && [...needed].every((c) => (def.columns as readonly string[]).includes(c)));
}
