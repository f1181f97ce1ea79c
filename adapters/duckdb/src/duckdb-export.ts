import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ReportQuery, ReportValue } from '@adplatform/ports';
import { metricValue } from '@adplatform/ports';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { BuiltSql } from './duckdb-report-sql.js';
import { reportExportSql, reportRowsSql } from './duckdb-report-sql.js';
import { sumsOf } from './duckdb-sums.js';

type ReportSource = Parameters<typeof reportRowsSql>[1];
type Range = { startMs: number; endMs: number };

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; null is an empty field. */
function csvField(value: ReportValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (values: readonly ReportValue[]) => `${values.map(csvField).join(',')}\r\n`;

/**
 * The report as CSV, one DuckDB chunk (≤ 2,048 rows) at a time: a header of
 * the dimensions and metrics, then one line per row with the JSON answer's
 * values. Holds one chunk in memory, whatever the row count.
 */
export async function* csvExport(connection: DuckDBConnection, query: ReportQuery, source: ReportSource, range: Range) {
  yield Buffer.from(csvLine([...query.dimensions, ...query.metrics]));
  const built = reportRowsSql(query, source, range, false);
  const result = await connection.stream(built.sql, built.params);
  const names = result.columnNames();
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    let text = '';
    for (const raw of chunk.getRowObjects(names)) {
      const dims = query.dimensions.map((dim) => (raw[dim] as string | null | undefined) ?? null);
      const sums = sumsOf(raw);
      text += csvLine([...dims, ...query.metrics.map((m) => metricValue(m, sums))]);
    }
    yield Buffer.from(text);
  }
}

/**
 * The report as a Parquet file: DuckDB writes it to a private temporary
 * directory (a Parquet footer comes last, so the file is finished before its
 * first byte is sent), then it is streamed and deleted, also when the reader
 * stops early.
 */
export async function* parquetExport(connection: DuckDBConnection, query: ReportQuery, source: ReportSource, range: Range) {
  const dir = mkdtempSync(path.join(tmpdir(), 'adp-report-'));
  try {
    const file = path.join(dir, 'report.parquet');
    const built: BuiltSql = reportExportSql(query, source, range);
    // The path is ours (mkdtemp), not user text; every query value stays a bound parameter.
    await connection.run(`COPY (${built.sql}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`, built.params);
    for await (const piece of createReadStream(file, { highWaterMark: 1 << 20 })) yield piece as Buffer;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
