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
import { clearStaging, commitStaged, stageEvents } from './duckdb-ingest.js';
import { type ReportSource, reportRowsSql, reportTotalsSql } from './duckdb-report-sql.js';
import { openRollups } from './duckdb-rollup-upkeep.js';
import { ROLLUPS } from './duckdb-rollups.js';
import { SCHEMA_SQL } from './duckdb-schema.js';
import { chooseSource, reportRange } from './duckdb-source.js';
import { sumsOf } from './duckdb-sums.js';

export interface DuckDbAnalyticsOptions {
  /** A database file (its directory is created), or `:memory:`. */
  path: string;
  /** DuckDB's worker threads; default DuckDB's own (the core count). */
  threads?: number;
  /** DuckDB's memory limit, e.g. '4GB'; default DuckDB's own (80% of RAM). */
  memoryLimit?: string;
}

export interface DuckDbAnalytics extends AnalyticsStore {
  /** Rows in the events table and in each rollup; for tests and benchmarks. */
  tableSizes(): Promise<{ events: number; rollups: Record<string, number> }>;
  /** The table a report reads (a rollup, or `events`); for tests and benchmarks. */
  sourceOf(query: ReportQuery): string;
  /**
   * Bulk loads (benchmarks): `statements` fill the temporary tables
   * `events_staging` (STAGING_COLUMNS) and `staging_dict` (code, value) on the
   * writer connection; the rows then take ingest's own path — dedupe against
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
 * The embedded analytics store: one DuckDB database. Ingests are serialised
 * on one writer connection; each report opens its own connection, so it reads
 * a committed state while a batch is being stored.
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
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

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

  /** Stages through `stage` (which answers how many events it was given), then commits and keeps the rollups compact; one batch at a time. */
  const ingestWith = (stage: () => Promise<number>) =>
    serialised(async () => {
      if (closed) throw new Error('the analytics store is closed');
      await clearStaging(writer);
      try {
        const staged = await stage();
        const committed = await commitStaged(writer);
        await rollups.afterCommit(committed.appended);
        return { inserted: committed.inserted, duplicates: staged - committed.inserted };
      } finally {
        await clearStaging(writer);
      }
    });

  async function report(query: ReportQuery): Promise<ReportResult> {
    checkReportQuery(query);
    const range = reportRange(query);
    const source = chooseSource(query, range);
    return withReader(async (connection) => {
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
    const source = chooseSource(query, range);
    const connection = await openReader();
    const body = format === 'csv' ? csvExport(connection, query, source, range) : parquetExport(connection, query, source, range);
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

  return {
    kind: 'duckdb',
    ingest: (events: readonly DeliveryEvent[]) =>
      ingestWith(async () => {
        await stageEvents(writer, events);
        return events.length;
      }),
    ingestStagedSql: (statements) =>
      ingestWith(async () => {
        for (const statement of statements) await writer.run(statement);
        const read = await writer.runAndReadAll('SELECT count(*) FROM events_staging');
        return Number(read.getRows()[0]?.[0] ?? 0);
      }),
    report,
    exportReport,
    sourceOf: (query) => chooseSource(query, reportRange(query)).table,
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
    async close() {
      if (closed) return;
      await serialised(async () => {
        closed = true;
        writer.closeSync();
        instance.closeSync();
      });
    },
  };
}
