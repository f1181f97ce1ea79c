import { AppError, type ErrorCode } from '@adplatform/domain';
import type { DeliveryEvent, EncodedRange, EncodedRangeDecoder, ReportExportFormat, ReportQuery } from '@adplatform/ports';
import type { DuckDbAnalyticsOptions } from './duckdb-analytics.js';

/**
 * Messages between the DuckDB analytics proxy (the app's thread) and its
 * worker (duckdb-analytics-worker.ts). A port's ordering makes `stage` pieces
 * arrive before the `ingest` that stores them.
 */

/** The store methods the proxy forwards as they are: arguments and answers are plain data. */
export const FORWARDED_METHODS = [
  'report',
  'sourceOf',
  'useTimeZone',
  'idle',
  'bulkLoadSql',
  'rebuildRollups',
  'ingestStagedSql',
  'ping',
  'tableSizes',
  'close',
] as const;
export type ForwardedMethod = (typeof FORWARDED_METHODS)[number];

/** What the worker needs to open the store: the options that are data (the background-error callback stays behind). */
export interface AnalyticsWorkerData {
  options: Omit<DuckDbAnalyticsOptions, 'onBackgroundError'>;
  /** A nice value for the worker's thread, Linux only; none when undefined. */
  niceness?: number;
  /** The decoders the worker loads by URL for `stage-encoded` ranges. */
  decoders?: readonly EncodedRangeDecoder[];
}

export type ToWorker =
  | { kind: 'call'; id: number; method: ForwardedMethod; args: unknown[] }
  /** A piece of batch `batch`, kept until its `ingest`. */
  | { kind: 'stage'; batch: number; events: DeliveryEvent[] }
  /** A piece of batch `batch` as the event log stores it, decoded in the worker (`DuckDbAnalyticsWorker.encodedReadFormats`). */
  | { kind: 'stage-encoded'; batch: number; range: EncodedRange }
  | { kind: 'ingest'; id: number; batch: number }
  /** Forget a batch whose staging was abandoned. */
  | { kind: 'drop'; batch: number }
  | { kind: 'export'; id: number; query: ReportQuery; format: ReportExportFormat }
  | { kind: 'next'; id: number; stream: number }
  | { kind: 'return'; id: number; stream: number };

export type FromWorker =
  | { kind: 'ready'; threadId: number }
  | { kind: 'failed'; error: SerializedError }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: SerializedError }
  | { kind: 'background-error'; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
  code?: string;
  details?: Record<string, unknown> | undefined;
}

/** An error as data: structured cloning keeps an Error's message but drops AppError's code and details. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError)
    return { name: error.name, message: error.message, stack: error.stack, code: error.code, details: error.details };
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/** The error again on this side: an AppError keeps its code (so the app maps it to the same HTTP status), RangeError and TypeError their class. */
export function deserializeError(data: SerializedError): Error {
  let error: Error;
  if (data.code !== undefined) error = new AppError(data.code as ErrorCode, data.message, data.details);
  else if (data.name === 'RangeError') error = new RangeError(data.message);
  else if (data.name === 'TypeError') error = new TypeError(data.message);
  else {
    error = new Error(data.message);
    if (data.name !== 'Error') error.name = data.name;
  }
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}
