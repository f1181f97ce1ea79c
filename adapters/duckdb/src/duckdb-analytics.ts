import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AnalyticsStore, DeliveryEvent, MetricSums, ReportQuery, ReportResult, ReportRow } from '@adplatform/ports';
import { checkReportQuery, metricValue } from '@adplatform/ports';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingestBatch } from './duckdb-ingest.js';
import { EVENTS_SOURCE, ROLLUP_SOURCE, reportRowsSql, reportTotalsSql, SUM_NAMES } from './duckdb-report-sql.js';
import { SCHEMA_SQL } from './duckdb-schema.js';
import { hasWholeHourOffsets, zonedDayStartMs } from './time-zones.js';

export interface DuckDbAnalyticsOptions {
  /** A database file (its directory is created), or `:memory:`. */
  path: string;
  /** DuckDB's worker threads; default DuckDB's own (the core count). */
  threads?: number;
}

export interface DuckDbAnalytics extends AnalyticsStore {
  /** Rows in the events and rollup tables; for tests and benchmarks. */
  tableSizes(): Promise<{ events: number; rollupHourly: number }>;
}

const toBigInt = (value: DuckDBValue | undefined): bigint => (typeof value === 'bigint' ? value : BigInt(Number(value ?? 0)));

function sumsOf(row: Record<string, DuckDBValue>): MetricSums {
  const [req, imp, view, clk, conv, cost, rev] = SUM_NAMES.map((name) => toBigInt(row[name]));
  return {
    requests: req ?? 0n,
    impressions: imp ?? 0n,
    viewables: view ?? 0n,
    clicks: clk ?? 0n,
    conversions: conv ?? 0n,
    costMicros: cost ?? 0n,
    revenueMicros: rev ?? 0n,
  };
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
  const config: Record<string, string> = options.threads === undefined ? {} : { threads: String(options.threads) };
  const instance = await DuckDBInstance.create(options.path, config);
  const writer = await instance.connect();
  for (const statement of SCHEMA_SQL) await writer.run(statement);
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  function serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  async function withReader<T>(task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (closed) throw new Error('the analytics store is closed');
    const connection = await instance.connect();
    try {
      return await task(connection);
    } finally {
      connection.closeSync();
    }
  }

  async function report(query: ReportQuery): Promise<ReportResult> {
    checkReportQuery(query);
    const startMs = zonedDayStartMs(query.from, query.timeZone);
    const nextDay = new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const endMs = zonedDayStartMs(nextDay, query.timeZone);
    const source = hasWholeHourOffsets(query.timeZone, startMs, endMs) ? ROLLUP_SOURCE : EVENTS_SOURCE;
    return withReader(async (connection) => {
      const rowsSql = reportRowsSql(query, source, { startMs, endMs });
      const rowsRead = (await connection.runAndReadAll(rowsSql.sql, rowsSql.params)).getRowObjects();
      const totalsSql = reportTotalsSql(query, source, { startMs, endMs });
      const totalsRead = (await connection.runAndReadAll(totalsSql.sql, totalsSql.params)).getRowObjects();
      const rows = rowsRead.map((raw) => {
        const row: ReportRow = {};
        for (const dim of query.dimensions) row[dim] = (raw[dim] as string | null | undefined) ?? null;
        return Object.assign(row, metricsOf(query, sumsOf(raw)));
      });
      const totalRows =
        rowsRead.length > 0 ? Number(rowsRead[0]?.total_rows ?? 0) : await countGroups(connection, query, source, { startMs, endMs });
      return { rows, totals: metricsOf(query, sumsOf(totalsRead[0] ?? {})), totalRows };
    });
  }

  /** The group count when the page is empty (an offset past the end), from the same query without paging. */
  async function countGroups(
    connection: DuckDBConnection,
    query: ReportQuery,
    source: typeof ROLLUP_SOURCE,
    range: { startMs: number; endMs: number },
  ) {
    if ((query.offset ?? 0) === 0) return 0;
    const built = reportRowsSql({ ...query, sort: [], limit: 1, offset: 0 }, source, range);
    const first = (await connection.runAndReadAll(built.sql, built.params)).getRowObjects()[0];
    return Number(first?.total_rows ?? 0);
  }

  return {
    kind: 'duckdb',
    ingest: (events: readonly DeliveryEvent[]) =>
      serialised(() => {
        if (closed) throw new Error('the analytics store is closed');
        return ingestBatch(writer, events);
      }),
    report,
    async ping() {
      await withReader((connection) => connection.run('SELECT 1'));
    },
    async tableSizes() {
      return withReader(async (connection) => {
        const read = await connection.runAndReadAll('SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM rollup_hourly)');
        const [events, rollup] = read.getRows()[0] ?? [];
        return { events: Number(events ?? 0), rollupHourly: Number(rollup ?? 0) };
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
