import type { DeliveryEvent } from '@adplatform/ports';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParsedLines, parseEventLines } from '../src/delivery/tracking/events-ingest-lines.js';

const ORG = '0190a5c8-1111-7000-8000-000000000001';
const NOW = Date.UTC(2026, 10, 28, 12);
const options = { organizationId: ORG, nowMs: NOW, maxLineChars: 2_000 };

// A few values per dimension, so lines repeat the previous line's values (the scanner's memos) and change them too.
const dimensionArb = fc.constantFrom(
  '0190a5c8-2222-7000-8000-000000000002',
  '0190A5C8-2222-7000-8000-00000000000B',
  '0190a5c8-3333-7000-8000-000000000003',
);
const textArb = fc.oneof(
  fc.constantFrom('mobile', 'desktop', 'Bavaria', 'é', 'a"b', 'back\\slash', 'tab\there', '', 'x'.repeat(64), 'x'.repeat(65)),
  fc.string({ maxLength: 70 }),
);
const numberArb = fc.oneof(
  fc.integer(),
  fc.nat({ max: 2_000_000 }),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 2 ** 53, 2 ** 53 + 2, 0.1, -5),
);
const microsArb = fc.oneof(numberArb, fc.constantFrom('0', '2000', '007', '123456789012345678', '1234567890123456789', '-1', '1.5'));
const atArb = fc.oneof(
  fc.integer({ min: NOW - 40 * 86_400_000, max: NOW + 600_000 }),
  fc.constantFrom(NOW, NOW - 1, new Date(NOW - 1_000).toISOString(), 'yesterday', 1.5e12, -1),
);
const dataValueArb = fc.oneof(textArb, numberArb, fc.boolean(), fc.constant(null), fc.constant({ nested: 1 }), fc.constant([1]));
const dataArb = fc.oneof(
  fc.constant({ decidedAtMs: NOW, priceCpmMicros: 2_000_000, pricingModel: 'cpm' }),
  fc.dictionary(fc.oneof(fc.constantFrom('decidedAtMs', '1', '0', '__proto__', 'toString'), fc.string({ maxLength: 6 })), dataValueArb, {
    maxKeys: 10,
  }),
  fc.constantFrom(null, [], 'text', 5),
);

/** Valid values of every field, of a few values each so lines repeat the previous line's (the scanner's memos). */
const goodLineArb = fc.record(
  {
    id: fc.oneof(
      fc.uuid(),
      fc.uuid().map((id) => id.toUpperCase()),
    ),
    type: fc.constantFrom('impression', 'click', 'request'),
    at: fc.oneof(fc.constant(NOW - 60_000), fc.integer({ min: NOW - 86_400_000, max: NOW })),
    organizationId: fc.constant(ORG),
    decisionId: fc.uuid(),
    advertiserId: dimensionArb,
    campaignId: dimensionArb,
    lineItemId: dimensionArb,
    placementId: dimensionArb,
    country: fc.constantFrom('DE', 'FR'),
    region: fc.constantFrom('Bavaria', 'x'.repeat(64)),
    deviceType: fc.constantFrom('mobile', 'desktop'),
    os: fc.string({ minLength: 1, maxLength: 64 }).filter((text) => text.length >= 1 && text.length <= 64),
    browser: fc.constantFrom('firefox', 'é'),
    costMicros: fc.oneof(fc.nat({ max: 5_000_000 }), fc.constantFrom('0', '2000', '123456789012345678')),
    revenueMicros: fc.oneof(fc.nat(), fc.nat().map(String)),
    data: dataArb,
  },
  { requiredKeys: ['type', 'at'] },
);

/** One field at fault or at a bound (or a field added), over a good line. */
const faultArb = fc.oneof(
  fc.record({ key: fc.constantFrom('id', 'decisionId', 'advertiserId', 'placementId'), value: fc.oneof(textArb, numberArb) }),
  fc.record({ key: fc.constantFrom('type'), value: fc.constantFrom('explain', 'nope', 3, null) }),
  fc.record({ key: fc.constantFrom('at'), value: atArb }),
  fc.record({ key: fc.constantFrom('organizationId'), value: fc.constantFrom('0190a5c8-1111-7000-8000-000000000009', 1) }),
  fc.record({ key: fc.constantFrom('country'), value: fc.constantFrom('de', 'DEU', 'D', 'É1') }),
  fc.record({ key: fc.constantFrom('region', 'deviceType', 'os', 'browser'), value: fc.oneof(textArb, numberArb) }),
  fc.record({ key: fc.constantFrom('costMicros', 'revenueMicros'), value: microsArb }),
  fc.record({ key: fc.constantFrom('invalid'), value: fc.constantFrom({ reason: 'bot' }, { reason: '' }, 'bot') }),
  fc.record({ key: fc.constantFrom('data'), value: dataArb }),
  fc.record({ key: fc.constantFrom('extra', 'ID', '__proto__'), value: numberArb }),
);

/** A good line, mostly with one field at fault; its keys in any order. */
const lineArb = fc.tuple(goodLineArb, fc.option(faultArb, { freq: 3 }), fc.boolean()).map(([good, fault, reverse]) => {
  const line: Record<string, unknown> = { ...good };
  if (fault) line[fault.key] = fault.value;
  return reverse ? Object.fromEntries(Object.entries(line).reverse()) : line;
});

/** Shapes JSON.stringify does not write: spaces, escapes, duplicate keys, other bytes. */
const mutationArb = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'delete', 'replace'),
  char: fc.constantFrom(' ', '\t', '\r', '"', '\\', '{', '}', '[', ',', ':', '0', '9', '-', '.', 'e', 'a', 'A', 'é', '\u0001'),
});

function mutate(line: string, mutations: { at: number; kind: string; char: string }[]): string {
  let out = line;
  for (const { at, kind, char } of mutations) {
    const i = at % (out.length + 1);
    if (kind === 'insert') out = out.slice(0, i) + char + out.slice(i);
    else if (kind === 'delete') out = out.slice(0, i) + out.slice(i + 1);
    else out = out.slice(0, i) + char + out.slice(i + 1);
  }
  return out;
}

/** Both answers equal: the same rejections, the same events with the same key order (ids minted at random aside). */
function expectSameAnswer(scanned: ParsedLines, general: ParsedLines, minted: ParsedLines): void {
  expect(scanned.rejected).toEqual(general.rejected);
  expect(scanned.tooMany).toBe(general.tooMany);
  expect(scanned.events.length).toBe(general.events.length);
  scanned.events.forEach((event, i) => {
    const expected = general.events[i] as DeliveryEvent;
    // A line without an id gets a fresh one each parse: the general path's two runs then differ too.
    const isMinted = expected.id !== minted.events[i]?.id;
    expect(Object.keys(event)).toEqual(Object.keys(expected));
    expect({ ...event, id: isMinted ? '' : event.id }).toStrictEqual({ ...expected, id: isMinted ? '' : expected.id });
    if (expected.data) expect(Object.keys(event.data ?? {})).toEqual(Object.keys(expected.data));
  });
}

function answers(body: string) {
  return {
    scanned: parseEventLines(Buffer.from(body), options),
    general: parseEventLines(Buffer.from(body), { ...options, scanner: false }),
    minted: parseEventLines(Buffer.from(body), { ...options, scanner: false }),
  };
}

describe('the scanner of the common line shape', () => {
  it('answers as JSON.parse and the checks do for any line of the schema, good or bad', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 12 }), (lines) => {
        const { scanned, general, minted } = answers(lines.map((line) => JSON.stringify(line)).join('\n'));
        expectSameAnswer(scanned, general, minted);
      }),
      { numRuns: 1_000 },
    );
  });

  it('answers as JSON.parse and the checks do for mutated lines (spaces, escapes, broken JSON, other bytes)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(lineArb, fc.array(mutationArb, { maxLength: 3 })), { minLength: 1, maxLength: 8 }), (lines) => {
        const body = lines.map(([line, mutations]) => mutate(JSON.stringify(line), mutations)).join('\n');
        const { scanned, general, minted } = answers(body);
        expectSameAnswer(scanned, general, minted);
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes the general path for lines it does not read, with the same answers', () => {
    const base = `"type":"click","at":${NOW},"campaignId":"0190a5c8-2222-7000-8000-000000000002"`;
    const late = `"type":"click","campaignId":"0190a5c8-2222-7000-8000-000000000002"`;
    const lines = [
      `{${base}}`,
      `{${base},"type":"impression"}`, // a repeated key: the last one counts
      `{${base},"region":"Bayern \\u00fc"}`, // an escape
      `{${base},"region":"Bayern ü"}`, // past ASCII
      `{ ${base} , "costMicros" : 12 }`, // spaces
      `{${base},"costMicros":12.0}`, // an integer written as a fraction
      `{${base},"costMicros":007}`, // not JSON
      `{${base},"costMicros":"007"}`,
      `{${late},"at":0${NOW}}`,
      `{${late},"at":${NOW}e0}`,
      `{${base},"data":{"n":-0,"m":1e400,"k":12345678901234567890}}`,
      `{${base},"data":{"a":1,"a":2}}`,
      `{${base},"data":{"__proto__":1}}`,
      `{${base},"data":{"n":{"m":1}}}`,
      `{${base},"invalid":{"reason":"bot"}}`,
      `{${base},"at":"${new Date(NOW).toISOString()}"}`,
      `{${base},"organizationId":"${ORG}"}`,
      `{${base}}x`,
      `{${base},}`,
      `{}`,
    ];
    const { scanned, general, minted } = answers(lines.join('\n'));
    expectSameAnswer(scanned, general, minted);
    expect(scanned.events.length).toBeGreaterThan(8);
  });
});
