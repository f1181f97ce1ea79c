import type { DuckDBConnection } from '@duckdb/node-api';
import {
  finerHourlyOf,
  RETIRED_ROLLUPS,
  ROLLUPS,
  rollupCompactionSql,
  rollupFromEventsSql,
  rollupFromParentSql,
  rollupTableSql,
} from './duckdb-rollups.js';
import { fillLocalDays, type RebuildSource, rebuildZone, ZONES_TABLE_SQL } from './duckdb-zone-rollups.js';

/** A rollup is compacted once the rows appended since its last compaction reach this many, or its compacted size if larger. */
const MIN_APPENDED_BEFORE_COMPACTION = 100_000;

async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  return Number((await connection.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await connection.run('COMMIT');
    return result;
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

const runAll = async (connection: DuckDBConnection, statements: readonly string[]) => {
  for (const statement of statements) await connection.run(statement);
};

/**
 * Creates the rollup tables (dropping retired ones), fills any that is empty
 * while events are stored (a database from before that rollup existed) from
 * the events with the sums ingest appends, and keeps each rollup compact:
 * ingest appends partial sums per batch, and once a rollup has had as many
 * rows appended as it held after its last compaction (at least
 * MIN_APPENDED_BEFORE_COMPACTION), it is re-summed to one row per key.
 * Doubling keeps the rewrite work linear in the rows appended; compaction
 * changes no sum, so reports are the same before and after. Every method runs
 * on the writer connection, between batches (the caller serialises them).
 */
export async function openRollups(writer: DuckDBConnection) {
  const sizeAfterCompaction = new Map<string, number>();
  const appendedSince = new Map<string, number>();
  await writer.run(ZONES_TABLE_SQL);
  for (const table of RETIRED_ROLLUPS) await writer.run(`DROP TABLE IF EXISTS ${table}`);
  const events = await count(writer, 'SELECT count(*) FROM events');
  for (const def of ROLLUPS) {
    await writer.run(rollupTableSql(def));
    let rows = await count(writer, `SELECT count(*) FROM ${def.table}`);
    if (rows === 0 && events > 0) {
      await inTransaction(writer, () => runAll(writer, [rollupFromEventsSql(def), ...rollupCompactionSql(def)]));
      rows = await count(writer, `SELECT count(*) FROM ${def.table}`);
    }
    sizeAfterCompaction.set(def.table, rows);
    appendedSince.set(def.table, 0);
  }

  return {
    async afterCommit(appended: ReadonlyMap<string, number>): Promise<void> {
      for (const def of ROLLUPS) {
        const since = (appendedSince.get(def.table) ?? 0) + (appended.get(def.table) ?? 0);
        appendedSince.set(def.table, since);
        if (since < Math.max(MIN_APPENDED_BEFORE_COMPACTION, sizeAfterCompaction.get(def.table) ?? 0)) continue;
        await inTransaction(writer, () => runAll(writer, rollupCompactionSql(def)));
        sizeAfterCompaction.set(def.table, await count(writer, `SELECT count(*) FROM ${def.table}`));
        appendedSince.set(def.table, 0);
      }
    },

    /** Sets an organization's rollup zone and rebuilds its local-day rows in it, in one transaction. */
    rebuildZone(organizationId: string, timeZone: string): Promise<RebuildSource> {
      return inTransaction(writer, () => rebuildZone(writer, organizationId, timeZone));
    },

    /**
     * Empties every rollup and refills it from the stored events (bulk loads),
     * reading the events once per hourly rollup that no finer one covers: the
     * others are summed from a finer hourly rollup, the local days from the
     * hourly rollups (fillLocalDays). Compacted (ordered) after.
     */
    async rebuildAll(): Promise<void> {
      await inTransaction(writer, async () => {
        for (const def of ROLLUPS) await writer.run(`DELETE FROM ${def.table}`);
        const hourly = ROLLUPS.filter((def) => def.grain === 'hour');
        for (const def of [...hourly].sort((a, b) => b.columns.length - a.columns.length)) {
          const parent = finerHourlyOf(def);
          await writer.run(parent ? rollupFromParentSql(def, parent) : rollupFromEventsSql(def));
        }
        await fillLocalDays(writer);
      });
      for (const def of ROLLUPS) {
        await inTransaction(writer, () => runAll(writer, rollupCompactionSql(def)));
        sizeAfterCompaction.set(def.table, await count(writer, `SELECT count(*) FROM ${def.table}`));
        appendedSince.set(def.table, 0);
      }
    },
  };
}
