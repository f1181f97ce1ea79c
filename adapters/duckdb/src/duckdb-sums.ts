import type { MetricSums } from '@adplatform/ports';
import type { DuckDBValue } from '@duckdb/node-api';
import { SUM_NAMES } from './duckdb-report-sql.js';

const toBigInt = (value: DuckDBValue | undefined): bigint => (typeof value === 'bigint' ? value : BigInt(Number(value ?? 0)));

/** The seven integer sums of a report row read back from DuckDB (missing ones are 0). */
export function sumsOf(row: Record<string, DuckDBValue>): MetricSums {
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
