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

/**
 * A rollup: sums of the counted events per organization, time bucket (a UTC
 * hour, or a UTC day) and `columns`. Narrow on purpose: a report reads the
 * first rollup (in `ROLLUPS` order, coarsest first) that keeps every column it
 * groups or filters by, at a grain its time zone allows; raw events answer the
 * rest. Rows are partial sums (ingest appends, compaction merges), so readers
 * always re-sum.
 */
export interface RollupDef {
  table: string;
  grain: 'hour' | 'day';
  columns: readonly RollupColumn[];
}

export const ROLLUPS: readonly RollupDef[] = [
  { table: 'rollup_campaign_daily', grain: 'day', columns: ['advertiser_id', 'campaign_id'] },
  { table: 'rollup_campaign_hourly', grain: 'hour', columns: ['advertiser_id', 'campaign_id'] },
  { table: 'rollup_inventory_daily', grain: 'day', columns: ['publisher_id', 'site_id', 'placement_id'] },
  { table: 'rollup_audience_hourly', grain: 'hour', columns: ['country', 'device_type', 'os', 'browser'] },
  { table: 'rollup_delivery_hourly', grain: 'hour', columns: ['advertiser_id', 'campaign_id', 'line_item_id', 'creative_id'] },
  { table: 'rollup_inventory_hourly', grain: 'hour', columns: ['publisher_id', 'site_id', 'placement_id'] },
];

export const ROLLUP_SUM_COLUMNS = [
  'requests',
  'impressions',
  'viewables',
  'clicks',
  'conversions',
  'cost_micros',
  'revenue_micros',
] as const;

export function rollupTableSql(def: RollupDef): string {
  return `CREATE TABLE IF NOT EXISTS ${def.table} (
    organization_id VARCHAR NOT NULL, bucket_ms BIGINT NOT NULL, ${def.columns.map((c) => `${c} VARCHAR`).join(', ')},
    requests BIGINT NOT NULL, impressions BIGINT NOT NULL, viewables BIGINT NOT NULL, clicks BIGINT NOT NULL,
    conversions BIGINT NOT NULL, cost_micros HUGEINT NOT NULL, revenue_micros HUGEINT NOT NULL)`;
}

const bucketOf = (def: RollupDef) => {
  const size = def.grain === 'hour' ? HOUR_MS : DAY_MS;
  return `at_ms - ((at_ms % ${size}) + ${size}) % ${size}`;
};

const COUNTED_TYPES = ['request', 'impression', 'viewable', 'click', 'conversion'] as const;
const MONEY_SUMS = 'coalesce(sum(cost_micros), 0), coalesce(sum(revenue_micros), 0)';

/**
 * Appends the staged batch's sums to a rollup (run in ingest's transaction,
 * after the batch's duplicates are gone): grouped on the dictionary codes,
 * then only the groups are decoded.
 */
export function rollupFromStagedSql(def: RollupDef): string {
  const keys = ['organization_id', ...def.columns];
  const counts = COUNTED_TYPES.map((t, i) => `count(*) FILTER (WHERE type_c = ${stagedTypeCode(t)}) AS n${i}`);
  const inner = `SELECT ${keys.map((c) => `${c}_c`).join(', ')}, ${bucketOf(def)} AS bucket_ms, ${counts.join(', ')},
      coalesce(sum(cost_micros), 0) AS cost, coalesce(sum(revenue_micros), 0) AS revenue
    FROM events_staging WHERE ${COUNTED_STAGED} GROUP BY ALL`;
  const decoded = keys.map((c) => `d_${c}.value`);
  const joins = keys.map((c) => `LEFT JOIN staging_dict d_${c} ON d_${c}.code = g.${c}_c`);
  return `INSERT INTO ${def.table}
    SELECT ${decoded[0]}, g.bucket_ms, ${decoded.slice(1).join(', ')}, ${COUNTED_TYPES.map((_, i) => `g.n${i}`).join(', ')}, g.cost, g.revenue
    FROM (${inner}) g ${joins.join(' ')}`;
}

/** Fills an empty rollup from every stored event: the same sums ingest appends, over the whole table. */
export function rollupFromEventsSql(def: RollupDef): string {
  return `INSERT INTO ${def.table}
    SELECT organization_id, ${bucketOf(def)}, ${def.columns.join(', ')},
      ${COUNTED_TYPES.map((t) => `count(*) FILTER (WHERE type = '${t}')`).join(', ')}, ${MONEY_SUMS}
    FROM events WHERE ${COUNTED_EVENTS} GROUP BY ALL`;
}

/** The rollup re-summed into one row per key, ordered by organization and time so zone maps prune by range. */
export function rollupCompactionSql(def: RollupDef): string[] {
  const keys = ['organization_id', 'bucket_ms', ...def.columns].join(', ');
  const sums = ROLLUP_SUM_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ');
  return [
    `CREATE OR REPLACE TEMP TABLE rollup_compacted AS
      SELECT ${keys}, ${sums} FROM ${def.table} GROUP BY ALL ORDER BY organization_id, bucket_ms`,
    `DELETE FROM ${def.table}`,
    `INSERT INTO ${def.table} SELECT * FROM rollup_compacted`,
    'DROP TABLE rollup_compacted',
  ];
}

/**
 * The coarsest rollup that keeps every column in `needed` at an allowed grain,
 * or undefined when only raw events can answer.
 */
export function chooseRollup(needed: ReadonlySet<string>, grains: { hour: boolean; day: boolean }): RollupDef | undefined {
  return ROLLUPS.find((def) => grains[def.grain] && [...needed].every((c) => (def.columns as readonly string[]).includes(c)));
}
