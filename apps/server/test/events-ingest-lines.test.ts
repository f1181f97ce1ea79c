import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventLines, tenantEventId } from '../src/delivery/tracking/events-ingest-lines.js';

const ORG = '0190a5c8-1111-7000-8000-000000000001';
const NOW = Date.UTC(2026, 10, 28, 12);
const options = { organizationId: ORG, nowMs: NOW };

/** The id as the first version computed it: sha256 into a buffer, `at` written over its first 6 bytes. */
function referenceTenantId(organizationId: string, senderId: string, atMs: number): string {
  const bytes = createHash('sha256').update(`${organizationId}/${senderId.toLowerCase()}`).digest().subarray(0, 16);
  bytes.writeUIntBE(atMs, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidArb = fc.uuid();
const labelArb = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' }).filter((s) => s.length >= 1 && s.length <= 64);
const lineArb = fc.record(
  {
    id: uuidArb,
    type: fc.constantFrom('request', 'impression', 'click', 'conversion', 'viewable'),
    at: fc.integer({ min: NOW - 86_400_000, max: NOW }),
    campaignId: uuidArb,
    lineItemId: uuidArb,
    placementId: uuidArb,
    country: fc.constantFrom('DE', 'FR', 'US'),
    region: labelArb,
    os: labelArb,
    costMicros: fc.oneof(fc.nat({ max: 1_000_000_000 }), fc.nat().map(String)),
    data: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
  },
  { requiredKeys: ['type', 'at'] },
);

describe('tenantEventId', () => {
  it('is the same id as the buffer-based first version for any tenant, sender id (any case) and time', () => {
    fc.assert(
      fc.property(uuidArb, uuidArb, fc.boolean(), fc.integer({ min: 0, max: 2 ** 48 - 1 }), (org, sender, upper, at) => {
        const senderId = upper ? sender.toUpperCase() : sender;
        expect(tenantEventId(org, senderId, at)).toBe(referenceTenantId(org, senderId, at));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a time outside 48 bits', () => {
    expect(() => tenantEventId(ORG, randomUUID(), -1)).toThrow(RangeError);
    expect(() => tenantEventId(ORG, randomUUID(), 2 ** 48)).toThrow(RangeError);
  });
});

describe('parseEventLines', () => {
  it('maps any valid line to its event, whatever the key order, and the same from a string or bytes', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 20 }), fc.boolean(), (lines, reverse) => {
        const text = lines.map((line) => JSON.stringify(reverse ? Object.fromEntries(Object.entries(line).reverse()) : line)).join('\n');
        const fromBytes = parseEventLines(Buffer.from(text), options);
        const fromString = parseEventLines(text, options);
        expect(fromBytes.rejected).toEqual([]);
        expect(fromString.rejected).toEqual([]);
        expect(fromBytes.events.length).toBe(lines.length);
        lines.forEach((line, i) => {
          const event = fromBytes.events[i];
          const { id, costMicros, ...rest } = line;
          expect(event).toMatchObject({ ...rest, organizationId: ORG });
          if (costMicros !== undefined) expect(event?.costMicros).toBe(String(costMicros));
          if (id !== undefined) expect(event?.id).toBe(referenceTenantId(ORG, id, line.at));
          if (id !== undefined) expect(fromString.events[i]?.id).toBe(event?.id);
          // One fixed field order: the sender's key order does not change the event's shape.
          const order = Object.keys(event ?? {});
          expect(order.slice(0, 4)).toEqual(['id', 'type', 'at', 'organizationId']);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('keeps multi-byte text, trims CR, spaces and a BOM, counts blank lines', () => {
    const body = [
      '\uFEFF{"type":"click","at":1,"os":"Ω-ß-😀"}'.replace('"at":1', `"at":${NOW}`),
      '',
      '  ',
      ` {"type":"request","at":${NOW}} \r`,
    ].join('\n');
    const { events, rejected } = parseEventLines(Buffer.from(body, 'utf8'), options);
    expect(rejected).toEqual([]);
    expect(events.map((e) => [e.type, e.os])).toEqual([
      ['click', 'Ω-ß-😀'],
      ['request', undefined],
    ]);
    const bad = parseEventLines(Buffer.from(`\n\n{"type":"click","at":${NOW},"os":""}`), options);
    expect(bad.rejected).toEqual([{ line: 3, field: 'os', detail: expect.any(String) }]);
  });

  it('checks a repeated dimension id again once it changes: a bad one after a good one is refused', () => {
    const campaign = randomUUID();
    const lines = [campaign, campaign, 'not-a-uuid', campaign.toUpperCase(), campaign].map((campaignId) =>
      JSON.stringify({ type: 'impression', at: NOW, campaignId }),
    );
    const { events, rejected } = parseEventLines(Buffer.from(lines.join('\n')), options);
    expect(rejected).toEqual([{ line: 3, field: 'campaignId', detail: 'must be a UUID' }]);
    expect(events.map((e) => e.campaignId)).toEqual([campaign, campaign, campaign, campaign]);
  });

  it('refuses ids that are not UUIDs in every position, and lowercases mixed case', () => {
    const good = randomUUID();
    const cases = [good.replace('-', 'x'), `${good}0`, good.slice(1), good.replace(/[0-9a-f]$/, 'g'), good.replace(/[0-9a-f]$/, 'é')];
    for (const decisionId of cases) {
      const { rejected } = parseEventLines(JSON.stringify({ type: 'click', at: NOW, decisionId }), options);
      expect(rejected).toEqual([{ line: 1, field: 'decisionId', detail: 'must be a UUID' }]);
    }
    const mixed = parseEventLines(JSON.stringify({ type: 'click', at: NOW, decisionId: good.toUpperCase() }), options);
    expect(mixed.events[0]?.decisionId).toBe(good);
  });

  it('stops past maxLines non-blank lines and says so', () => {
    const line = JSON.stringify({ type: 'request', at: NOW });
    expect(parseEventLines([line, '', line].join('\n'), { ...options, maxLines: 2 }).tooMany).toBe(false);
    expect(parseEventLines([line, line, line].join('\n'), { ...options, maxLines: 2 }).tooMany).toBe(true);
  });

  it('refuses a line longer than maxLineChars whole', () => {
    const line = JSON.stringify({ type: 'request', at: NOW, data: { pad: 'x'.repeat(200) } });
    const { rejected } = parseEventLines(line, { ...options, maxLineChars: 100 });
    expect(rejected).toEqual([{ line: 1, field: '$', detail: 'is longer than 100 characters' }]);
  });
});
