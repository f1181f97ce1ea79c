import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createLocalEventLog, type DurableBatch, FRAMED_FORMAT } from '@adplatform/adapter-local-log';
import { createMemoryEventLog } from '@adplatform/adapter-memory';
import { AppError } from '@adplatform/domain';
import { type DeliveryEvent, tallyEvents } from '@adplatform/ports';
import fc from 'fast-check';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { eventsIngestRoutes } from '../src/delivery/tracking/events-ingest.routes.js';
import { parseEventLines } from '../src/delivery/tracking/events-ingest-lines.js';
import { packEvents, unpackEvents } from '../src/delivery/tracking/events-ingest-packed.js';
import { createEventLinesPool } from '../src/delivery/tracking/events-ingest-pool.js';

const ORG = '0190a5c8-1111-7000-8000-000000000001';
const NOW = Date.UTC(2026, 10, 28, 12);
const options = { organizationId: ORG, nowMs: NOW };

/** A worker that dies on the first body it is sent. */
const DYING_WORKER = { entry: "require('node:worker_threads').parentPort.on('message', () => process.exit(3))", eval: true };

const uuidArb = fc.oneof(
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
);
const textArb = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });
const scalarArb = fc.oneof(textArb, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
/** Flat objects (packed by columns), nested ones and awkward keys (cloned whole). */
const dataArb = fc.oneof(
  fc.dictionary(fc.constantFrom('decidedAtMs', 'priceCpmMicros', 'pricingModel', '1', 'x'), scalarArb),
  fc.dictionary(
    fc.string({ maxLength: 6 }),
    fc.oneof(scalarArb, fc.array(scalarArb, { maxLength: 3 }), fc.dictionary(fc.string(), scalarArb)),
  ),
  fc.constant(JSON.parse('{"__proto__":{"polluted":1},"a":1}') as Record<string, unknown>),
);
const pooledIds = Array.from({ length: 3 }, () => randomUUID());
const goodLineArb = fc
  .record(
    {
      id: uuidArb,
      type: fc.constantFrom('request', 'impression', 'click', 'conversion'),
      at: fc.integer({ min: NOW - 86_400_000, max: NOW }),
      decisionId: uuidArb,
      campaignId: fc.constantFrom(...pooledIds),
      placementId: fc.oneof(fc.constantFrom(...pooledIds), uuidArb),
      country: fc.constantFrom('DE', 'FR'),
      region: textArb,
      browser: textArb,
      revenueMicros: fc.oneof(fc.nat(), fc.nat().map(String)),
      invalid: textArb.map((reason) => ({ reason })),
      data: dataArb,
    },
    { requiredKeys: ['id', 'type', 'at'] },
  )
  .map((line) => JSON.stringify(line));
const badLineArb = fc.oneof(
  fc.constant('{not json'),
  fc.constant('[1,2]'),
  fc.constant(JSON.stringify({ id: randomUUID(), type: 'explain', at: NOW })),
  fc.constant(JSON.stringify({ id: 'nope', type: 'click', at: NOW })),
  fc.constant(JSON.stringify({ id: randomUUID(), type: 'click', at: NOW, extra: 1 })),
  fc.constant(JSON.stringify({ id: randomUUID(), type: 'click', at: NOW + 3_600_000 })),
  fc.constant(''),
  fc.constant('  \r'),
);
const bodyArb = fc.array(fc.oneof({ weight: 4, arbitrary: goodLineArb }, { weight: 1, arbitrary: badLineArb }), {
  minLength: 1,
  maxLength: 40,
});

/** Events equal with their properties in the same order, at every depth. */
function expectSameEvents(actual: DeliveryEvent[], expected: DeliveryEvent[]): void {
  expect(actual).toStrictEqual(expected);
  const order = (events: DeliveryEvent[]) => JSON.stringify(events);
  expect(order(actual)).toBe(order(expected));
  expect(isDeepStrictEqual(actual, expected)).toBe(true);
}

const pools: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(pools.map((p) => p.close())));
function pool(...args: Parameters<typeof createEventLinesPool>) {
  const created = createEventLinesPool(...args);
  pools.push(created);
  return created;
}

describe('packEvents / unpackEvents', () => {
  it('rebuilds the parsed events exactly: same values, same key order, flat or nested data', () => {
    fc.assert(
      fc.property(bodyArb, (lines) => {
        const { events } = parseEventLines(lines.join('\n'), options);
        expectSameEvents(unpackEvents(structuredClone(packEvents(events)), ORG), events);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps -0, null, booleans and strings of any script in flat data', () => {
    const event: DeliveryEvent = {
      id: randomUUID(),
      type: 'click',
      at: NOW,
      organizationId: ORG,
      data: { z: -0, n: null, t: true, f: false, s: 'Ω😀' },
    };
    const [back] = unpackEvents(packEvents([event]), ORG);
    expect(Object.is(back?.data?.z, -0)).toBe(true);
    expectSameEvents([back as DeliveryEvent], [event]);
  });
});

describe('createEventLinesPool', () => {
  it('answers as parseEventLines does, good and bad lines alike, for bodies parsed in a worker', async () => {
    const workers = pool({ threads: 2, minBodyBytes: 0 });
    await fc.assert(
      fc.asyncProperty(bodyArb, fc.integer({ min: 1, max: 50 }), async (lines, maxLines) => {
        const body = lines.join('\n');
        const expected = parseEventLines(body, { ...options, maxLines });
        const actual = await workers.parse(Buffer.from(body), { ...options, maxLines });
        expect(actual.encoded).toBeUndefined();
        expectSameEvents(actual.events ?? [], expected.events);
        expect(actual.rejected).toStrictEqual(expected.rejected);
        expect(actual.tooMany).toBe(expected.tooMany);
      }),
      { numRuns: 150 },
    );
    expect(workers.threadIds.length).toBeGreaterThanOrEqual(1);
  });

  it('parses a body over the threshold in a worker and a small one on the calling thread', async () => {
    const workers = pool({ threads: 1 });
    const line = (i: number) =>
      JSON.stringify({ id: randomUUID(), type: 'impression', at: NOW - i, campaignId: pooledIds[0], data: { i } });
    const small = Buffer.from(Array.from({ length: 10 }, (_, i) => line(i)).join('\n'));
    expect((await workers.parse(small, options)).events).toHaveLength(10);
    expect(workers.threadIds).toEqual([]);
    const text = Array.from({ length: 5_000 }, (_, i) => line(i)).join('\n');
    expect(text.length).toBeGreaterThan(65_536);
    const parsed = await workers.parse(Buffer.from(text), options);
    expect(workers.threadIds).toHaveLength(1);
    expectSameEvents(parsed.events ?? [], parseEventLines(text, options).events);
  });

  it("answers the events encoded for the local log: appended, they read back as parseEventLines' events, with their tally", async () => {
    const workers = pool({ threads: 1, minBodyBytes: 0, encodedFormat: FRAMED_FORMAT });
    const dir = await mkdtemp(path.join(tmpdir(), 'adp-ingest-pool-'));
    const log = await createLocalEventLog({ dir });
    try {
      await fc.assert(
        fc.asyncProperty(bodyArb, fc.integer({ min: 1, max: 50 }), async (lines, maxLines) => {
          const body = lines.join('\n');
          const expected = parseEventLines(body, { ...options, maxLines });
          const actual = await workers.parse(Buffer.from(body), { ...options, maxLines });
          expect(actual.rejected).toStrictEqual(expected.rejected);
          expect(actual.tooMany).toBe(expected.tooMany);
          if (expected.events.length === 0 || expected.tooMany) {
            // Nothing to write (or refused whole): no encoding spent.
            expect(actual.encoded).toBeUndefined();
            return;
          }
          expect(actual.events).toBeUndefined();
          const encoded = actual.encoded ?? expect.fail('no encoded events');
          expect(encoded.count).toBe(expected.events.length);
          expect(encoded.tally).toEqual(tallyEvents(expected.events));
          const start = (await log.read(Number.MAX_SAFE_INTEGER, 1)).next;
          await log.appendEncoded(encoded);
          // Equal values (the log's decoder sets the keys in its own order).
          expect((await log.read(start, encoded.count + 1)).events).toStrictEqual(expected.events);
        }),
        { numRuns: 100 },
      );
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects the bodies of a worker that dies with SERVICE_UNAVAILABLE, and the next body too (never hangs)', async () => {
    const dying = pool({ threads: 1, minBodyBytes: 0, workerEntry: DYING_WORKER });
    const body = () => Buffer.from(JSON.stringify({ type: 'click', at: NOW }));
    const first = await dying.parse(body(), options).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(AppError);
    expect((first as AppError).code).toBe('SERVICE_UNAVAILABLE');
    expect(dying.threadIds).toEqual([]);
    await expect(dying.parse(body(), options)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('POST /t/events on the local log', () => {
  it('appends a large body as the worker encoded it: the event loop never sees the events as objects', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'adp-ingest-route-'));
    const eventLog = await createLocalEventLog({ dir });
    const app = Fastify();
    app.decorate('metrics', new Registry());
    await app.register(eventsIngestRoutes, {
      eventLog,
      clock: { now: () => new Date(NOW) },
      authenticateIngestKey: async () => ({ organizationId: ORG }),
    });
    const seen: DurableBatch[] = [];
    eventLog.onDurable((batch) => seen.push(batch));
    try {
      const lines = Array.from({ length: 2_000 }, (_, i) =>
        JSON.stringify({ id: randomUUID(), type: 'impression', at: NOW - i, campaignId: pooledIds[0], costMicros: String(i), data: { i } }),
      );
      const body = lines.join('\n');
      expect(body.length).toBeGreaterThan(65_536);
      const response = await app.inject({
        method: 'POST',
        url: '/t/events',
        headers: { authorization: 'Bearer adpi_test', 'content-type': 'application/x-ndjson' },
        payload: body,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ accepted: 2_000, rejected: [] });
      const expected = parseEventLines(body, options).events;
      expect((await eventLog.read(0, 5_000)).events).toStrictEqual(expected);
      expect(seen.map((batch) => [batch.events, batch.count])).toEqual([[undefined, 2_000]]);
      expect(seen[0]?.tally).toEqual(tallyEvents(expected));
    } finally {
      await app.close();
      await eventLog.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * `/t/events` over an in-memory log (objects only) with `parsing` options, and `lines` click lines posted to it;
 * answers the response and what the log holds, the app closed.
 */
async function postOverMemoryLog(parsing: Parameters<typeof eventsIngestRoutes>[1]['parsing'], lines: number) {
  const eventLog = createMemoryEventLog();
  const app = Fastify();
  app.decorate('metrics', new Registry());
  app.setErrorHandler((error, _request, reply) => {
    reply.status(error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE' ? 503 : 500).send({ code: (error as AppError).code });
  });
  await app.register(eventsIngestRoutes, {
    eventLog,
    clock: { now: () => new Date(NOW) },
    authenticateIngestKey: async () => ({ organizationId: ORG }),
    parsing,
  });
  try {
    const body = Array.from({ length: lines }, () => JSON.stringify({ id: randomUUID(), type: 'click', at: NOW - 1 }));
    const response = await app.inject({
      method: 'POST',
      url: '/t/events',
      headers: { authorization: 'Bearer adpi_test', 'content-type': 'application/x-ndjson' },
      payload: body.join('\n'),
    });
    return { response, stored: (await eventLog.read(0, 100)).events };
  } finally {
    await app.close();
  }
}

describe('POST /t/events with events encoded for a log that takes only objects', () => {
  it('answers 503 and acknowledges nothing, rather than 200 for events it never stored', async () => {
    // A misconfiguration: the worker encodes for the local log, but this log has no appendEncoded.
    const { response, stored } = await postOverMemoryLog({ minBodyBytes: 0, encodedFormat: FRAMED_FORMAT }, 20);
    expect(response.statusCode).toBe(503);
    expect(stored).toEqual([]);
  });
});

describe('POST /t/events with a worker that dies', () => {
  it('answers 503 and appends nothing', async () => {
    const { response, stored } = await postOverMemoryLog({ minBodyBytes: 0, workerEntry: DYING_WORKER }, 50);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(stored).toEqual([]);
  });
});
