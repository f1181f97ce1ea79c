import type { DeliveryEvent } from '@adplatform/ports';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodeChunk, HEADER_BYTES, hasIntactCrc, parseHeader } from './chunk-codec.js';

const eventArb: fc.Arbitrary<DeliveryEvent> = fc.record(
  {
    id: fc.uuid(),
    type: fc.constantFrom('impression', 'click', 'conversion'),
    at: fc.nat(),
    organizationId: fc.uuid(),
    country: fc.string({ maxLength: 3 }),
    costMicros: fc.bigInt({ min: 0n, max: 10n ** 15n }).map(String),
    data: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
  },
  { requiredKeys: ['id', 'type', 'at', 'organizationId'] },
);

describe('chunk codec', () => {
  it('reads back what it framed: offset, count and every event', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 20 }), fc.nat({ max: 2 ** 53 - 1 }), (events, baseOffset) => {
        const chunk = Buffer.concat(encodeChunk(events, baseOffset));
        const header = parseHeader(chunk);
        expect(header).toMatchObject({ baseOffset, count: events.length, payloadBytes: chunk.byteLength - HEADER_BYTES });
        expect(header && hasIntactCrc(chunk, header)).toBe(true);
        expect(header && decodePayload(chunk, header)).toEqual(events);
      }),
    );
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
