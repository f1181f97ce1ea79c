import type { DeliveryEvent } from '@adplatform/ports';
import type { DuckDBAppender, DuckDBConnection, DuckDBType, DuckDBVector } from '@duckdb/node-api';
import { BIGINT, DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api';
import { ROLLUPS, rollupFromStagedSql } from './duckdb-rollups.js';
import {
  CODED_COLUMNS,
  type CodedColumn,
  decodedStagingSql,
  EVENT_COLUMNS,
  PLAIN_STAGED_COLUMNS,
  STAGING_COLUMNS,
  STAGING_SQL,
} from './duckdb-schema.js';

const INTEGER_TEXT = /^-?\d{1,19}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** DuckDB's vector size: a data chunk holds at most this many rows. */
const CHUNK_ROWS = 2048;

function int64(event: DeliveryEvent, field: string, value: bigint): bigint {
  if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`event ${event.id}: ${field} "${value}" is out of the 64-bit range`);
  return value;
}

function micros(event: DeliveryEvent, field: 'costMicros' | 'revenueMicros'): bigint | null {
  const text = event[field];
  if (text === undefined) return null;
  if (!INTEGER_TEXT.test(text)) throw new RangeError(`event ${event.id}: ${field} "${text}" is not integer micros`);
  return int64(event, field, BigInt(text));
}

function valueMicros(event: DeliveryEvent): bigint | null {
  const value = event.data?.valueMicros;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return int64(event, 'valueMicros', BigInt(value));
  return null;
}

const CODED_FIELDS: Record<CodedColumn, (e: DeliveryEvent) => string | undefined> = {
  type: (e) => e.type,
  organization_id: (e) => e.organizationId,
  advertiser_id: (e) => e.advertiserId,
  campaign_id: (e) => e.campaignId,
  line_item_id: (e) => e.lineItemId,
  creative_id: (e) => e.creativeId,
  publisher_id: (e) => e.publisherId,
  site_id: (e) => e.siteId,
  placement_id: (e) => e.placementId,
  country: (e) => e.country,
  region: (e) => e.region,
  device_type: (e) => e.deviceType,
  os: (e) => e.os,
  browser: (e) => e.browser,
  invalid_reason: (e) => e.invalid?.reason,
};

/** The coded columns' fields, in CODED_COLUMNS order. */
const CODED_GETTERS = CODED_COLUMNS.map((column) => CODED_FIELDS[column]);

const STAGING_TYPES: readonly DuckDBType[] = STAGING_COLUMNS.map(([, type]) =>
  type === 'VARCHAR' ? VARCHAR : type === 'BIGINT' ? BIGINT : INTEGER,
);

/**
 * A batch staged as it comes, a piece at a time: each event is checked and
 * laid out in staging's column order (plain values, then codes into one
 * dictionary for the whole batch), and every full data chunk goes to
 * `events_staging` at once, so the batch is never held as objects. The first
 * copy of a repeated id wins; later ones are dropped as batch duplicates.
 * A piece that fails its check throws, and the batch must then be dropped
 * (`close`): what was staged before it is not committed.
 */
export class StagingBatch {
  private readonly codes = new Map<string, number>();
  private readonly dictionary: string[] = [];
  private readonly seen = new Set<string>();
  private chunk = DuckDBDataChunk.create(STAGING_TYPES, CHUNK_ROWS);
  private vectors: DuckDBVector[] = STAGING_TYPES.map((_, c) => this.chunk.getColumnVector(c));
  /** Rows written into `chunk` and not yet appended. */
  private pending = 0;

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly appender: DuckDBAppender,
  ) {}

  /** Starts a batch on `connection`, whose staging tables must be empty. */
  static async open(connection: DuckDBConnection): Promise<StagingBatch> {
    return new StagingBatch(connection, await connection.createAppender('events_staging', 'main', 'temp'));
  }

  /** Rows staged so far (the events added, less repeated ids). */
  get rows(): number {
    return this.seen.size;
  }

  private code(value: string | undefined): number | null {
    if (value === undefined) return null;
    let found = this.codes.get(value);
    if (found === undefined) {
      this.dictionary.push(value);
      found = this.dictionary.length;
      this.codes.set(value, found);
    }
    return found;
  }

  /** Checks and stages `events`, straight into the data chunk's vectors; throws a RangeError naming the first bad event. */
  add(events: readonly DeliveryEvent[]): void {
    const { seen } = this;
    let { vectors } = this;
    for (const e of events) {
      if (!Number.isSafeInteger(e.at)) throw new RangeError(`event ${e.id}: at must be integer epoch ms`);
      const cost = micros(e, 'costMicros');
      const revenue = micros(e, 'revenueMicros');
      const value = valueMicros(e);
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      const row = this.pending;
      // The order of STAGING_COLUMNS: the plain columns, then the coded ones.
      (vectors[0] as DuckDBVector).setItem(row, e.id);
      (vectors[1] as DuckDBVector).setItem(row, e.decisionId ?? null);
      (vectors[2] as DuckDBVector).setItem(row, BigInt(e.at));
      (vectors[3] as DuckDBVector).setItem(row, cost);
      (vectors[4] as DuckDBVector).setItem(row, revenue);
      (vectors[5] as DuckDBVector).setItem(row, value);
      for (let c = 0; c < CODED_COLUMNS.length; c += 1) {
        (vectors[PLAIN_STAGED_COLUMNS.length + c] as DuckDBVector).setItem(row, this.code(CODED_GETTERS[c]?.(e)));
      }
      this.pending = row + 1;
      if (this.pending === CHUNK_ROWS) {
        this.appendChunk();
        vectors = this.vectors;
      }
    }
  }

  /** Appends the rows written so far as one data chunk, and starts the next. */
  private appendChunk(): void {
    if (this.pending === 0) return;
    for (const vector of this.vectors) vector.flush();
    // A smaller size after the vectors are flushed: only the first rows count (the rest of each vector is unused).
    if (this.pending < CHUNK_ROWS) this.chunk.rowCount = this.pending;
    this.appender.appendDataChunk(this.chunk);
    this.chunk.reset();
    this.chunk.rowCount = CHUNK_ROWS;
    this.vectors = STAGING_TYPES.map((_, c) => this.chunk.getColumnVector(c));
    this.pending = 0;
  }

  /** Appends the rest and the batch's dictionary, and closes the appender; answers the rows staged. */
  async finish(): Promise<number> {
    try {
      this.appendChunk();
      this.appender.flushSync();
    } finally {
      this.appender.closeSync();
    }
    const dict = await this.connection.createAppender('staging_dict', 'main', 'temp');
    try {
      this.dictionary.forEach((value, i) => {
        dict.appendInteger(i + 1);
        dict.appendVarchar(value);
        dict.endRow();
      });
      dict.flushSync();
    } finally {
      dict.closeSync();
    }
    return this.rows;
  }

  /** Abandons the batch: closes the appender without flushing what it holds (the caller clears staging). */
  close(): void {
    try {
      this.appender.closeSync();
    } catch {
      // Closing flushes; a failed flush leaves nothing that is committed.
    }
  }
}

/** Empties the staging tables by recreating them: cheaper than deleting every row of the last batch. */
export async function clearStaging(connection: DuckDBConnection): Promise<void> {
  for (const statement of STAGING_SQL) await connection.run(statement);
}

const DECODED_EVENTS = decodedStagingSql(EVENT_COLUMNS.map(([column]) => column));

/**
 * Stores the staged rows whose id is not stored yet, and their rollups, in one
 * transaction; returns how many were new, and the rows appended to each rollup. Dedupe against stored events is an
 * anti-join on id restricted to the batch's time span: an event's time is part
 * of its immutable content, so a stored copy lies in that span, and DuckDB's
 * min/max zone maps skip the row groups outside it. The staged ids must be
 * unique (StagingBatch keeps the first of a repeated id).
 */
export async function commitStaged(connection: DuckDBConnection): Promise<{ inserted: number; appended: Map<string, number> }> {
  const appended = new Map<string, number>();
  const span = (await connection.runAndReadAll('SELECT min(at_ms), max(at_ms), count(*) FROM events_staging')).getRows()[0];
  const [minAtMs, maxAtMs, staged] = [span?.[0], span?.[1], Number(span?.[2] ?? 0)];
  if (staged === 0 || typeof minAtMs !== 'bigint' || typeof maxAtMs !== 'bigint') return { inserted: 0, appended };
  await connection.run('BEGIN TRANSACTION');
  try {
    // The bounds are integers read back from DuckDB, not user text; literals let the planner prune by zone map.
    const removed = await connection.run(`DELETE FROM events_staging WHERE id IN
      (SELECT e.id FROM events e SEMI JOIN events_staging s ON e.id = s.id WHERE e.at_ms BETWEEN ${minAtMs} AND ${maxAtMs})`);
    const inserted = staged - removed.rowsChanged;
    if (inserted > 0) {
      await connection.run(`INSERT INTO events ${DECODED_EVENTS}`);
      for (const def of ROLLUPS) appended.set(def.table, (await connection.run(rollupFromStagedSql(def))).rowsChanged);
    }
    await connection.run('COMMIT');
    return { inserted, appended };
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}
