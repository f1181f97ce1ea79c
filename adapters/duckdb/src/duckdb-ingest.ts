import type { DeliveryEvent } from '@adplatform/ports';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { ROLLUP_FRESH_SQL } from './duckdb-schema.js';

const INTEGER = /^-?\d{1,19}$/;

function micros(event: DeliveryEvent, field: 'costMicros' | 'revenueMicros'): bigint | null {
  const text = event[field];
  if (text === undefined) return null;
  if (!INTEGER.test(text)) throw new RangeError(`event ${event.id}: ${field} "${text}" is not integer micros`);
  return BigInt(text);
}

function valueMicros(event: DeliveryEvent): bigint | null {
  const value = event.data?.valueMicros;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value);
  return null;
}

const text = (appender: DuckDBAppender, value: string | undefined) =>
  value === undefined ? appender.appendNull() : appender.appendVarchar(value);
const bigint = (appender: DuckDBAppender, value: bigint | null) => (value === null ? appender.appendNull() : appender.appendBigInt(value));

/** One event as a row of `EVENT_COLUMNS`, in their order. */
function appendEvent(appender: DuckDBAppender, e: DeliveryEvent): void {
  appender.appendVarchar(e.id);
  appender.appendVarchar(e.type);
  appender.appendBigInt(BigInt(e.at));
  appender.appendVarchar(e.organizationId);
  for (const value of [e.decisionId, e.advertiserId, e.campaignId, e.lineItemId, e.creativeId, e.publisherId, e.siteId]) {
    text(appender, value);
  }
  for (const value of [e.placementId, e.country, e.region, e.deviceType, e.os, e.browser]) text(appender, value);
  bigint(appender, micros(e, 'costMicros'));
  bigint(appender, micros(e, 'revenueMicros'));
  bigint(appender, valueMicros(e));
  text(appender, e.invalid?.reason);
  appender.endRow();
}

/**
 * Stores the batch's events whose id is not stored yet, and their rollup, in
 * one transaction. Dedupe is an anti-join on id restricted to the batch's
 * time span: an event's time is part of its immutable content, so a stored
 * copy of a batch event lies in that span, and DuckDB's min/max zone maps skip
 * the row groups outside it.
 */
export async function ingestBatch(connection: DuckDBConnection, events: readonly DeliveryEvent[]) {
  if (events.length === 0) return { inserted: 0, duplicates: 0 };
  let minAtMs = Number.POSITIVE_INFINITY;
  let maxAtMs = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    if (!Number.isSafeInteger(event.at)) throw new RangeError(`event ${event.id}: at must be integer epoch ms`);
    if (event.at < minAtMs) minAtMs = event.at;
    if (event.at > maxAtMs) maxAtMs = event.at;
  }
  await connection.run('DELETE FROM events_staging');
  const appender = await connection.createAppender('events_staging', 'main', 'temp');
  try {
    for (const event of events) appendEvent(appender, event);
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await connection.run('BEGIN TRANSACTION');
  try {
    // The bounds are integers checked above, not user text; literals let the planner prune by zone map.
    await connection.run(`CREATE OR REPLACE TEMP TABLE fresh AS
      SELECT * FROM events_staging s
      WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.at_ms BETWEEN ${minAtMs} AND ${maxAtMs} AND e.id = s.id)
      QUALIFY row_number() OVER (PARTITION BY s.id) = 1`);
    await connection.run('INSERT INTO events SELECT * FROM fresh');
    await connection.run(ROLLUP_FRESH_SQL);
    const reader = await connection.runAndReadAll('SELECT count(*) FROM fresh');
    const inserted = Number(reader.getRows()[0]?.[0] ?? 0);
    await connection.run('DROP TABLE fresh');
    await connection.run('COMMIT');
    return { inserted, duplicates: events.length - inserted };
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}
