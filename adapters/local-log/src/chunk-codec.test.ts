import { DELIVERY_EVENT_TYPES, type DeliveryEvent } from '@adplatform/ports';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChunkWriter,
  CODEC_BINARY,
  CODEC_DICTIONARY,
  CODEC_JSON,
  decodePayload,
  encodeChunk,
  HEADER_BYTES,
  hasIntactCrc,
  parseHeader,
} from './chunk-codec.js';

/** Fields of codec 3's FIELDS list (id, organizationId, decisionId, …, revenueMicros). */
const FIELD_COUNT = 17;

const eventArb: fc.Arbitrary<DeliveryEvent> = fc.record(
  {
    id: fc.oneof(fc.uuid(), fc.string()),
    type: fc.constantFrom('impression', 'click', 'conversion', 'win'),
    at: fc.oneof(
      fc.nat(),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }).filter((at) => !Object.is(at, -0)),
    ),
    organizationId: fc.uuid(),
    campaignId: fc.oneof(
      fc.uuid().map((id) => id.toUpperCase()),
      fc.string({ unit: 'grapheme' }),
    ),
    country: fc.string({ maxLength: 3 }),
    invalid: fc.record({ reason: fc.string() }),
    costMicros: fc.bigInt({ min: 0n, max: 10n ** 15n }).map(String),
    data: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
  },
  { requiredKeys: ['id', 'type', 'at', 'organizationId'] },
) as fc.Arbitrary<DeliveryEvent>;
/** Some events carry a property outside DeliveryEvent; the binary codec keeps them whole. */
const anyEventArb = fc.oneof(
  eventArb,
  eventArb.map((event) => ({ ...event, extra: { kept: true } }) as DeliveryEvent),
);

describe('chunk codec', () => {
  it('reads back what it framed, in either codec: offset, count and every event', () => {
    fc.assert(
      fc.property(
        fc.array(anyEventArb, { minLength: 1, maxLength: 20 }),
        fc.nat({ max: 2 ** 53 - 1 }),
        fc.constantFrom(CODEC_JSON, CODEC_BINARY, CODEC_DICTIONARY),
        (events, baseOffset, codec) => {
          const chunk = Buffer.concat(encodeChunk(events, baseOffset, codec));
          const header = parseHeader(chunk);
          expect(header).toMatchObject({ baseOffset, count: events.length, payloadBytes: chunk.byteLength - HEADER_BYTES });
          expect(header && hasIntactCrc(chunk, header)).toBe(true);
          expect(header && decodePayload(chunk, header)).toEqual(events);
        },
      ),
    );
  });

  it('writes impressions in codec 2 at under half their JSON size', () => {
    const event: DeliveryEvent = {
      id: '0190f5c2-0000-7000-8000-00000000000a',
      type: 'impression',
      at: 1_795_000_000_000,
      organizationId: '0190f5c2-0000-7000-8000-000000000001',
      decisionId: '0190f5c2-0000-7000-8000-0000000000d1',
      campaignId: '0190f5c2-0000-7000-8000-0000000000c1',
      costMicros: '2000',
      data: { pricingModel: 'cpm' },
    };
    const [, payload] = encodeChunk([event], 0);
    expect(payload.byteLength).toBeLessThan(JSON.stringify([event]).length / 2);
  });

  it('notices any flipped bit after the length field', () => {
    const chunk = Buffer.concat(encodeChunk([{ id: 'a', type: 'click', at: 1, organizationId: 'o' }], 7));
    fc.assert(
      fc.property(fc.integer({ min: 4 * 8, max: chunk.byteLength * 8 - 1 }), (bit) => {
        const copy = Buffer.from(chunk);
        copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const header = parseHeader(copy);
        expect(header !== undefined && hasIntactCrc(copy, header)).toBe(false);
      }),
    );
  });

  it('takes neither zeros nor short buffers for a header', () => {
    expect(parseHeader(Buffer.alloc(64))).toBeUndefined();
    expect(
      parseHeader(Buffer.concat(encodeChunk([{ id: 'a', type: 'click', at: 1, organizationId: 'o' }], 0)).subarray(0, 20)),
    ).toBeUndefined();
  });
});

describe('codec 3 (dictionary)', () => {
  it('reads back a chunk with more distinct strings than its dictionary holds', () => {
    const events: DeliveryEvent[] = Array.from({ length: 70_000 }, (_, i) => ({
      id: `e${i}`,
      type: 'click',
      at: i,
      organizationId: 'org',
      campaignId: `campaign-${i}`,
      data: { n: i, tag: i % 2 === 0 ? 'even' : `odd-${i}`, ok: i % 3 === 0, none: null },
    }));
    const chunk = Buffer.concat(encodeChunk(events, 0, CODEC_DICTIONARY));
    const header = parseHeader(chunk);
    expect(header && decodePayload(chunk, header)).toEqual(events);
  });

  it('writes impressions at under half of codec 2 once their dimensions repeat', () => {
    const impression = (i: number): DeliveryEvent => ({
      id: `0190f5c2-0000-7000-8000-${String(i).padStart(12, '0')}`,
      type: 'impression',
      at: 1_795_000_000_000 + i,
      organizationId: '0190f5c2-0000-7000-8000-000000000001',
      campaignId: '0190f5c2-0000-7000-8000-0000000000c1',
      placementId: '0190f5c2-0000-7000-8000-0000000000p1'.replace('p', 'a'),
      country: 'DE',
      costMicros: '2000',
      data: { decidedAtMs: 1_795_000_000_000 + i, pricingModel: 'cpm' },
    });
    const events = Array.from({ length: 1_000 }, (_, i) => impression(i));
    const [, v2] = encodeChunk(events, 0, CODEC_BINARY);
    const [, v3] = encodeChunk(events, 0, CODEC_DICTIONARY);
    expect(v3.byteLength).toBeLessThan(v2.byteLength / 2);
  });

  it('reads back events that repeat, alternate and change their strings field by field, and data keys by position', () => {
    // A few values per field, so the per-field memo of the last string is hit, missed and re-hit in every order.
    const small = <T>(values: T[]) => fc.constantFrom(...values);
    const repeatingArb = fc.record(
      {
        id: fc.uuid(),
        type: small(['impression', 'click', 'conversion', 'novel-type'] as DeliveryEvent['type'][]),
        at: fc.nat(),
        organizationId: small(['0190f5c2-0000-7000-8000-000000000001', 'org-b']),
        campaignId: small(['0190f5c2-0000-7000-8000-0000000000c1', '0190f5c2-0000-7000-8000-0000000000c2', 'DE']),
        placementId: small(['DE', 'pl-1', '0190f5c2-0000-7000-8000-0000000000c1']),
        country: small(['DE', 'FR', 'pl-1']),
        costMicros: small(['2000', '0', 'DE']),
        data: fc.dictionary(small(['a', 'b', 'DE', 'pricingModel']), fc.oneof(small(['cpm', 'DE', 'a']), fc.integer(), fc.boolean())),
      },
      { requiredKeys: ['id', 'type', 'at', 'organizationId'] },
    ) as fc.Arbitrary<DeliveryEvent>;
    fc.assert(
      fc.property(fc.array(fc.oneof(repeatingArb, anyEventArb), { minLength: 1, maxLength: 40 }), (events) => {
        // Fresh copies of the strings too, so equal text that is not the same string object takes the same path.
        const copies = events.map((event) => JSON.parse(JSON.stringify(event)) as DeliveryEvent);
        for (const batch of [events, copies]) {
          const chunk = Buffer.concat(encodeChunk(batch, 0, CODEC_DICTIONARY));
          const header = parseHeader(chunk);
          expect(header && decodePayload(chunk, header)).toEqual(events);
        }
      }),
    );
  });
});

/** The bytes codec 3 gives an `id` or `decisionId`: 16 bytes for a lowercase UUID, else its UTF-8 text. */
function uniqueFieldBytes(id: string | undefined): Buffer {
  if (id === undefined) return Buffer.of(0);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    return Buffer.concat([Buffer.of(1), Buffer.from(id.replaceAll('-', ''), 'hex')]);
  }
  const text = Buffer.from(id, 'utf8');
  return Buffer.concat([Buffer.of(2, text.byteLength & 0xff, text.byteLength >>> 8), text]);
}

describe('unique ids in codec 3', () => {
  // 36 characters, most of them one change away from a UUID: the chunk's ids are read from one copy of them all.
  const nearUuidArb = fc
    .tuple(
      fc.uuid(),
      fc.nat({ max: 35 }),
      fc.constantFrom('A', 'F', 'g', '-', '0', '\u0161', '\u0130', '\u00e1', '\ud83d', '\u{1F600}', ' '),
    )
    .map(([uuid, at, char]) => uuid.slice(0, at) + char + uuid.slice(at + 1));
  const idArb = fc.oneof(
    fc.uuid(),
    nearUuidArb,
    fc.uuid().map((id) => id.toUpperCase()),
    fc.string({ minLength: 36, maxLength: 36, unit: 'binary' }),
    fc.string({ unit: 'binary' }),
  );
  const idsArb = fc.record({ id: idArb, decisionId: fc.option(idArb, { nil: undefined }) });

  it('writes each id as alone in a chunk, 16 bytes for a lowercase UUID and text for anything else, and reads it back', () => {
    fc.assert(
      fc.property(fc.array(idsArb, { minLength: 1, maxLength: 30 }), (ids) => {
        const events = ids.map(({ id, decisionId }, at) => ({ id, decisionId, type: 'click', at }) as unknown as DeliveryEvent);
        const [, payload] = encodeChunk(events, 0, CODEC_DICTIONARY);
        const expected = events.map((event) => {
          const at = Buffer.alloc(8);
          at.writeDoubleLE(event.at);
          const absent = Buffer.alloc(FIELD_COUNT - 3 + 2); // the other fields, `invalid` and `data`: all absent
          const organization = Buffer.of(0);
          return Buffer.concat([
            Buffer.of(0, DELIVERY_EVENT_TYPES.indexOf('click')),
            at,
            uniqueFieldBytes(event.id),
            organization,
            uniqueFieldBytes(event.decisionId),
            absent,
          ]);
        });
        expect(payload.equals(Buffer.concat(expected))).toBe(true);
        const chunk = Buffer.concat(encodeChunk(events, 0, CODEC_DICTIONARY));
        const header = parseHeader(chunk);
        const back = header && decodePayload(chunk, header);
        expect(back?.map((event) => [event.id, event.decisionId])).toEqual(
          events.map((event) => [Buffer.from(event.id).toString(), event.decisionId && Buffer.from(event.decisionId).toString()]),
        );
      }),
    );
  });
});

describe('chunk writer', () => {
  it('frames chunks back to back, reused write after write, with the bytes of encodeChunk', () => {
    const writer = new ChunkWriter();
    fc.assert(
      fc.property(fc.array(fc.array(anyEventArb, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), (chunks) => {
        writer.reset();
        const expected: Buffer[] = [];
        let offset = 0;
        for (const events of chunks) {
          writer.add(events, offset);
          expected.push(...encodeChunk(events, offset, CODEC_DICTIONARY));
          offset += events.length;
        }
        expect(writer.bytes().equals(Buffer.concat(expected))).toBe(true);
      }),
    );
  });

  it('drops a chunk cut back by truncate and grows past its first buffer', () => {
    const writer = new ChunkWriter();
    const big = Array.from({ length: 1_024 }, (_, i) => ({
      id: `e${i}`,
      type: 'click' as const,
      at: i,
      organizationId: 'org',
      data: { text: 'x'.repeat(2_000 + i) },
    }));
    writer.add(big.slice(0, 2), 0);
    const kept = writer.byteLength;
    writer.add(big.slice(2, 4), 2);
    writer.truncate(kept);
    writer.add(big, 2);
    expect(writer.byteLength).toBeGreaterThan(1024 * 1024);
    expect(writer.bytes().equals(Buffer.concat([...encodeChunk(big.slice(0, 2), 0), ...encodeChunk(big, 2)]))).toBe(true);
  });
});
