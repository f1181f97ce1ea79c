import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type {
  AnalyticsStore,
  DeliveryEvent,
  MetricSums,
  ReportExportFormat,
  ReportQuery,
  ReportResult,
  ReportRow,
} from '@adplatform/ports';
import { checkReportQuery, metricValue } from '@adplatform/ports';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import { csvExport, parquetExport } from './duckdb-export.js';
import { clearStaging, commitStaged, StagingBatch } from './duckdb-ingest.js';
import { type ReportSource, reportRowsSql, reportTotalsSql } from './duckdb-report-sql.js';
import { openRollups } from './duckdb-rollup-upkeep.js';
import { ROLLUPS } from './duckdb-rollups.js';
import { SCHEMA_SQL, STAGING_SQL } from './duckdb-schema.js';
import { chooseSource, reportRange } from './duckdb-source.js';
import { sumsOf } from './duckdb-sums.js';
import { type RebuildSource, zoneOf } from './duckdb-zone-rollups.js';

/** Batches staged at once: one commits while the next stages. */
const STAGING_CONNECTIONS = 2;

export interface DuckDbAnalyticsOptions {
  /** A database file (its directory is created), or `:memory:`. */
  path: string;
  /** DuckDB's worker threads; default DuckDB's own (the core count). */
  threads?: number;
  /** DuckDB's memory limit, e.g. '4GB'; default DuckDB's own (80% of RAM). */
  memoryLimit?: string;
  /**
   * When a report asks in a zone other than its organization's rollup zone,
   * rebuild that organization's local-day rollups in the asked zone in the
   * background (default true: the server always asks in the organization's
   * zone, so a report in a new zone means the organization changed it).
   */
  rebuildZonesOnReport?: boolean;
  /** Called with the error of a background zone rebuild (the next report in that zone tries again). */
  onBackgroundError?: (error: unknown) => void;
}

export interface DuckDbAnalytics extends AnalyticsStore {
  /**
   * `ingest` of the events of every slice as one batch, each slice staged as
   * it comes (the analytics consumer reads the log a slice at a time): the
   * batch is never held whole as objects. A failing `slices`, or a slice with
   * a bad event, stores nothing of the batch.
   */
  ingestSlices(slices: AsyncIterable<readonly DeliveryEvent[]>): Promise<{ inserted: number; duplicates: number }>;
  /** Rows in the events table and in each rollup; for tests and benchmarks. */
  tableSizes(): Promise<{ events: number; rollups: Record<string, number> }>;
  /** The table a report reads now (a rollup, or `events`); for tests and benchmarks. */
  sourceOf(query: ReportQuery): Promise<string>;
  /**
   * Makes `timeZone` the organization's rollup zone and rebuilds its local-day
   * rollups in it (what a report in a new zone starts in the background);
   * answers where each rollup's days came from (an hourly rollup or `events`).
   */
  useTimeZone(organizationId: string, timeZone: string): Promise<RebuildSource>;
  /** Resolves once every ingest and rollup rebuild queued so far is done; for tests and benchmarks. */
  idle(): Promise<void>;
  /**
   * Bulk loads (benchmarks): `statements` insert into `events` directly, in
   * one transaction on the writer connection; no dedupe, no rollups (call
   * rebuildRollups after). Answers the rows inserted. Trusted SQL only.
   */
  bulkLoadSql(statements: readonly string[]): Promise<number>;
  /** Empties every rollup and refills it from the stored events (after bulk loads). */
  rebuildRollups(): Promise<void>;
  /**
   * Bulk loads (benchmarks): `statements` fill the temporary tables
   * `events_staging` (STAGING_COLUMNS) and `staging_dict` (code, value) on a
   * staging connection; the rows then take ingest's own path — dedupe against
   * stored events, events, rollups, compaction. Ids must be unique within a
   * call. Trusted SQL only: never pass user input.
   */
  ingestStagedSql(statements: readonly string[]): Promise<{ inserted: number; duplicates: number }>;
}

function metricsOf(query: ReportQuery, sums: MetricSums): ReportRow {
  const row: ReportRow = {};
  for (const metric of query.metrics) row[metric] = metricValue(metric, sums);
  return row;
}

/**
 * The embedded analytics store: one DuckDB database. A batch is staged on
 * one of two staging connections (temporary tables are per connection), so
 * the next batch stages while the last one commits; commits, rollup upkeep
 * and rebuilds are serialised on one writer queue. Each report opens its own
 * connection, so it reads a committed state while a batch is being stored.
 */
export async function createDuckDbAnalytics(options: DuckDbAnalyticsOptions): Promise<DuckDbAnalytics> {
  if (options.path !== ':memory:') mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
  const config: Record<string, string> = {};
  if (options.threads !== undefined) config.threads = String(options.threads);
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  const instance = await DuckDBInstance.create(options.path, config);
  const writer = await instance.connect();
  for (const statement of SCHEMA_SQL) await writer.run(statement);
  const rollups = await openRollups(writer);
  const stagers: { connection: DuckDBConnection; queue: Promise<unknown> }[] = [];
  for (let i = 0; i < STAGING_CONNECTIONS; i += 1) {
    const connection = await instance.connect();
    for (const statement of STAGING_SQL) await connection.run(statement);
    stagers.push({ connection, queue: Promise.resolve() });
  }
  let nextStager = 0;
  const rebuildOnReport = options.rebuildZonesOnReport ?? true;
  const pendingZones = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  let closing: Promise<void> | undefined;

  function serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  const openReader = async () => {
    if (closed) throw new Error('the analytics store is closed');
    return instance.connect();
  };

  async function withReader<T>(task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await openReader();
    try {
      return await task(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Runs `task` on a reader connection in one transaction: the rollup zone it reads and the rows it reads are one snapshot. */
  async function inSnapshot<T>(task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return withReader(async (connection) => {
      await connection.run('BEGIN TRANSACTION');
      try {
        return await task(connection);
      } finally {
        await connection.run('COMMIT');
      }
    });
  }

  const useTimeZone = (organizationId: string, timeZone: string) =>
    serialised(() => {
      if (closed) throw new Error('the analytics store is closed');
      return rollups.rebuildZone(organizationId, timeZone);
    });

  /** The query's source given its organization's rollup zone; a report in another zone starts that organization's rebuild. */
  function sourceFor(query: ReportQuery, rollupZone: string, range: { startMs: number; endMs: number }): ReportSource {
    const key = `${query.organizationId}\u0000${query.timeZone}`;
    if (rebuildOnReport && rollupZone !== query.timeZone && !pendingZones.has(key) && !closed) {
      pendingZones.add(key);
      useTimeZone(query.organizationId, query.timeZone)
        .catch((error: unknown) => options.onBackgroundError?.(error))
        .finally(() => pendingZones.delete(key));
    }
    return chooseSource(query, range, rollupZone);
  }

  /**
   * Stages through `stage` (which answers how many events it was given) on
   * the next staging connection, once its last batch is done, then commits
   * on the writer queue and keeps the rollups compact. Commits are serialised,
   * so each batch's dedupe sees every batch committed before it.
   */
  function ingestWith(stage: (connection: DuckDBConnection) => Promise<number>) {
    const stager = stagers[nextStager] as (typeof stagers)[number];
    nextStager = (nextStager + 1) % stagers.length;
    const { connection } = stager;
    if (closing) return Promise.reject(new Error('the analytics store is closed'));
    const task = async () => {
      if (closed) throw new Error('the analytics store is closed');
      await clearStaging(connection);
      try {
        const staged = await stage(connection);
        return await serialised(async () => {
          if (closed) throw new Error('the analytics store is closed');
          const committed = await commitStaged(connection);
          await rollups.afterCommit(committed.appended);
          return { inserted: committed.inserted, duplicates: staged - committed.inserted };
        });
      } finally {
        if (!closed) await clearStaging(connection);
      }
    };
    const run = stager.queue.then(task, task);
    stager.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every batch staged or queued so far is done, then every task on the writer queue. */
  async function settled(): Promise<void> {
    await Promise.all(stagers.map((stager) => stager.queue));
    await serialised(async () => undefined);
  }

  async function report(query: ReportQuery): Promise<ReportResult> {
    checkReportQuery(query);
    const range = reportRange(query);
    return inSnapshot(async (connection) => {
      const source = sourceFor(query, await zoneOf(connection, query.organizationId), range);
      const rowsSql = reportRowsSql(query, source, range);
      const rowsRead = (await connection.runAndReadAll(rowsSql.sql, rowsSql.params)).getRowObjects();
      const totalsSql = reportTotalsSql(query, source, range);
      const totalsRead = (await connection.runAndReadAll(totalsSql.sql, totalsSql.params)).getRowObjects();
      const rows = rowsRead.map((raw) => {
        const row: ReportRow = {};
        for (const dim of query.dimensions) row[dim] = (raw[dim] as string | null | undefined) ?? null;
        return Object.assign(row, metricsOf(query, sumsOf(raw)));
      });
      const totalRows = rowsRead.length > 0 ? Number(rowsRead[0]?.total_rows ?? 0) : await countGroups(connection, query, source, range);
      return { rows, totals: metricsOf(query, sumsOf(totalsRead[0] ?? {})), totalRows };
    });
  }

  /** The group count when the page is empty (an offset past the end), from the same query without paging. */
  async function countGroups(
    connection: DuckDBConnection,
    query: ReportQuery,
    source: ReportSource,
    range: { startMs: number; endMs: number },
  ) {
    if ((query.offset ?? 0) === 0) return 0;
    const built = reportRowsSql({ ...query, sort: [], limit: 1, offset: 0 }, source, range);
    const first = (await connection.runAndReadAll(built.sql, built.params)).getRowObjects()[0];
    return Number(first?.total_rows ?? 0);
  }

  async function exportReport(query: ReportQuery, format: ReportExportFormat): Promise<AsyncIterable<Uint8Array>> {
    checkReportQuery(query);
    const range = reportRange(query);
    const connection = await openReader();
    let body: AsyncGenerator<Uint8Array, void>;
    try {
      // One snapshot from the zone read to the last row; the transaction ends with the export.
      await connection.run('BEGIN TRANSACTION');
      const source = sourceFor(query, await zoneOf(connection, query.organizationId), range);
      body = format === 'csv' ? csvExport(connection, query, source, range) : parquetExport(connection, query, source, range);
    } catch (error) {
      connection.closeSync();
      throw error;
    }
    try {
      // Run up to the first piece now: a failing query rejects here, before any byte is sent.
      const first = await body.next();
      return (async function* () {
        try {
          if (first.done) return;
          yield first.value;
          yield* body;
        } finally {
          await body.return(undefined);
          connection.closeSync();
        }
      })();
    } catch (error) {
      connection.closeSync();
      throw error;
    }
  }

  /** Stages every slice as it comes; answers the events given (repeated ids included). */
  const ingestSlices = (slices: AsyncIterable<readonly DeliveryEvent[]>) =>
    ingestWith(async (connection) => {
      const batch = await StagingBatch.open(connection);
      let given = 0;
      try {
        for await (const slice of slices) {
          batch.add(slice);
          given += slice.length;
        }
      } catch (error) {
        batch.close();
        throw error;
      }
      await batch.finish();
      return given;
    });

  return {
    kind: 'duckdb',
    ingest: (events: readonly DeliveryEvent[]) =>
      ingestSlices(
        (async function* () {
          yield events;
        })(),
      ),
    ingestSlices,
    ingestStagedSql: (statements) =>
      ingestWith(async (connection) => {
        for (const statement of statements) await connection.run(statement);
        const read = await connection.runAndReadAll('SELECT count(*) FROM events_staging');
        return Number(read.getRows()[0]?.[0] ?? 0);
      }),
    report,
    exportReport,
    sourceOf: (query) =>
      inSnapshot(async (connection) => chooseSource(query, reportRange(query), await zoneOf(connection, query.organizationId)).table),
    useTimeZone,
    idle: settled,
    bulkLoadSql: (statements) =>
      serialised(async () => {
        if (closed) throw new Error('the analytics store is closed');
        await writer.run('BEGIN TRANSACTION');
        try {
          let inserted = 0;
          for (const statement of statements) inserted += (await writer.run(statement)).rowsChanged;
          await writer.run('COMMIT');
          return inserted;
        } catch (error) {
          await writer.run('ROLLBACK');
          throw error;
        }
      }),
    rebuildRollups: () =>
      serialised(() => {
        if (closed) throw new Error('the analytics store is closed');
        return rollups.rebuildAll();
      }),
    async ping() {
      await withReader((connection) => connection.run('SELECT 1'));
    },
    async tableSizes() {
      return withReader(async (connection) => {
        const tables = ['events', ...ROLLUPS.map((def) => def.table)];
        const read = await connection.runAndReadAll(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})`).join(', ')}`);
        const counts = (read.getRows()[0] ?? []).map((n) => Number(n ?? 0));
        return { events: counts[0] ?? 0, rollups: Object.fromEntries(ROLLUPS.map((def, i) => [def.table, counts[i + 1] ?? 0])) };
      });
    },
    close() {
      // Batches already started finish (a closing store takes no new one), then the writer queue closes the store.
      closing ??= (async () => {
        await Promise.all(stagers.map((stager) => stager.queue));
        await serialised(async () => {
          closed = true;
          for (const stager of stagers) stager.connection.closeSync();
          writer.closeSync();
          instance.closeSync();
        });
      })();
      return closing;
    },
  };
}
