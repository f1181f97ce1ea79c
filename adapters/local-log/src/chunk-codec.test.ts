import type { DeliveryEvent } from '@adplatform/ports';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODEC_BINARY,
  CODEC_DICTIONARY,
  CODEC_JSON,
  decodePayload,
  encodeChunk,
  HEADER_BYTES,
  hasIntactCrc,
  parseHeader,
} from './chunk-codec.js';

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
});
