import type { DuckDBConnection } from '@duckdb/node-api';
import type { RollupDef } from './duckdb-rollups.js';
import { HOUR_MS, hourlyTwinOf, localDaySql, ROLLUP_SUM_COLUMNS, ROLLUPS, rollupFromEventsSql } from './duckdb-rollups.js';
import { hasOffsetsMultipleOf } from './time-zones.js';

/**
 * Local-day rollups. Each organization has one rollup zone (a row here; none
 * means UTC), and its rows in every local-day rollup are days of that zone:
 * ingest finds each event's local day in its organization's zone. A report
 * asks in the organization's zone (the server passes it); when that is not
 * the rollup zone (a new organization outside UTC, or a changed zone), the
 * report is answered from the hourly rollups or raw events and the
 * organization's local-day rows are rebuilt in the new zone (`rebuildZone`).
 */
export const ZONES_TABLE_SQL = 'CREATE TABLE IF NOT EXISTS rollup_zones (organization_id VARCHAR NOT NULL, time_zone VARCHAR NOT NULL)';

export const LOCAL_DAY_ROLLUPS = ROLLUPS.filter((def) => def.grain === 'localDay');

/** Every organization's rollup zone, as stored. */
export async function readZones(connection: DuckDBConnection): Promise<Map<string, string>> {
  const rows = (await connection.runAndReadAll('SELECT organization_id, time_zone FROM rollup_zones')).getRows();
  return new Map(rows.map(([org, zone]) => [String(org), String(zone)]));
}

/** One organization's rollup zone within the connection's transaction (UTC when none is stored). */
export async function zoneOf(connection: DuckDBConnection, organizationId: string): Promise<string> {
  const read = await connection.runAndReadAll('SELECT time_zone FROM rollup_zones WHERE organization_id = $org', {
    org: organizationId,
  });
  return String(read.getRows()[0]?.[0] ?? 'UTC');
}

/**
 * Re-buckets rows of `twin` (UTC hours) into local days of `zoneSql`, one
 * conversion per distinct hour: one organization's (`$org`, in `$tz`), or
 * with `unzoned` every organization without a rollup zone (in UTC).
 */
function fromHourlySql(def: RollupDef, twin: RollupDef, unzoned = false): string {
  const sums = ROLLUP_SUM_COLUMNS.map((c) => `sum(h.${c})`).join(', ');
  const columns = def.columns.map((c) => `h.${c}`).join(', ');
  const [which, zone] = unzoned
    ? ['organization_id NOT IN (SELECT organization_id FROM rollup_zones)', "'UTC'"]
    : ['organization_id = $org', '$tz'];
  return `INSERT INTO ${def.table}
    SELECT h.organization_id, d.local_day, ${columns}, ${sums}
    FROM ${twin.table} h JOIN (
      SELECT bucket_ms, ${localDaySql(zone, 'bucket_ms')} AS local_day
      FROM (SELECT DISTINCT bucket_ms FROM ${twin.table} WHERE ${which})) d USING (bucket_ms)
    WHERE h.${which} GROUP BY ALL ORDER BY h.organization_id, d.local_day`;
}

/**
 * Fills every local-day rollup (empty) from the hourly rollups (full): the
 * organizations without a rollup zone in UTC days, each other one as
 * `rebuildZone` does. In the writer's open transaction.
 */
export async function fillLocalDays(writer: DuckDBConnection): Promise<void> {
  for (const def of LOCAL_DAY_ROLLUPS) {
    const twin = hourlyTwinOf(def);
    await writer.run(twin ? fromHourlySql(def, twin, true) : rollupFromEventsSql(def));
  }
  for (const [org, zone] of await readZones(writer)) await rebuildZone(writer, org, zone);
}

/** Where a rebuild took an organization's local days from, per local-day rollup. */
export type RebuildSource = Record<string, string>;

/**
 * Makes `timeZone` the organization's rollup zone and rebuilds its rows of
 * every local-day rollup, in the writer's open transaction. The rule: an
 * hourly rollup re-buckets exactly when, over the organization's stored
 * hours, the zone's offset is whole hours and changes on whole UTC hours
 * (Europe/Berlin, America/New_York); otherwise (Asia/Kolkata's +05:30, Nepal's
 * +05:45) the days are summed from raw events in quarter hours, like ingest.
 */
export async function rebuildZone(writer: DuckDBConnection, organizationId: string, timeZone: string): Promise<RebuildSource> {
  const params = { org: organizationId, tz: timeZone };
  await writer.run('DELETE FROM rollup_zones WHERE organization_id = $org', { org: organizationId });
  await writer.run('INSERT INTO rollup_zones VALUES ($org, $tz)', params);
  const used: RebuildSource = {};
  for (const def of LOCAL_DAY_ROLLUPS) {
    await writer.run(`DELETE FROM ${def.table} WHERE organization_id = $org`, { org: organizationId });
    const twin = hourlyTwinOf(def);
    const span = twin
      ? (
          await writer.runAndReadAll(`SELECT min(bucket_ms), max(bucket_ms) FROM ${twin.table} WHERE organization_id = $org`, {
            org: organizationId,
          })
        ).getRows()[0]
      : undefined;
    const [first, last] = [span?.[0], span?.[1]];
    const exact =
      twin && typeof first === 'bigint' && typeof last === 'bigint'
        ? hasOffsetsMultipleOf(timeZone, Number(first), Number(last) + HOUR_MS, HOUR_MS)
        : false;
    if (twin && (exact || first === null || first === undefined)) {
      // No stored hour is also nothing to re-bucket: the rebuild inserts no row.
      await writer.run(fromHourlySql(def, twin), params);
      used[def.table] = twin.table;
    } else {
      await writer.run(rollupFromEventsSql(def, 'organization_id = $org'), { org: organizationId });
      used[def.table] = 'events';
    }
  }
  return used;
}
