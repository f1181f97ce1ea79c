import { createHmac } from 'node:crypto';
import { createManualClock } from '@adplatform/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTrackingSigner, isRejection, PRICING_MODELS, type TrackingFacts } from './tracking-signer.js';

const HOUR_MS = 3_600_000;
const clock = createManualClock(new Date('2026-11-27T12:00:00Z'));
const NOW_MS = clock.now().getTime();
const signer = createTrackingSigner({ secret: 'a-test-secret-of-at-least-32-characters', ttlMs: 24 * HOUR_MS, clock });

const money = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const factsArb: fc.Arbitrary<TrackingFacts> = fc.record({
  decisionId: fc.uuid(),
  organizationId: fc.uuid(),
  advertiserId: fc.uuid(),
  campaignId: fc.uuid(),
  lineItemId: fc.uuid(),
  creativeId: fc.uuid(),
  publisherId: fc.uuid(),
  siteId: fc.uuid(),
  placementId: fc.uuid(),
  pricingModel: fc.constantFrom(...PRICING_MODELS),
  priceCpmMicros: money,
  costMicros: money,
  decidedAtMs: fc.integer({ min: NOW_MS - 24 * HOUR_MS + 1, max: NOW_MS }),
});

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('tracking signer', () => {
  it('round-trips any facts through a URL-safe token', () => {
    fc.assert(
      fc.property(factsArb, (facts) => {
        const token = signer.sign(facts);
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        expect(token.length).toBeLessThan(260);
        expect(signer.verify(token, NOW_MS)).toEqual(facts);
      }),
    );
  });

  it('refuses a token with any one character changed, as malformed or tampered', () => {
    fc.assert(
      fc.property(factsArb, fc.nat(), fc.nat(), (facts, position, pick) => {
        const token = signer.sign(facts);
        const at = position % token.length;
        const replacement = `${BASE64URL}.`.replace(token[at]!, '')[pick % BASE64URL.length]!;
        const changed = token.slice(0, at) + replacement + token.slice(at + 1);
        const result = signer.verify(changed, NOW_MS);
        expect(isRejection(result) && ['malformed', 'bad-signature'].includes(result.error)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses any byte changed in the decoded payload or MAC as tampered', () => {
    fc.assert(
      fc.property(factsArb, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (facts, position, flip, inMac) => {
        const [payloadText, macText] = signer.sign(facts).split('.') as [string, string];
        const bytes = Buffer.from(inMac ? macText : payloadText, 'base64url');
        const at = inMac ? position % bytes.length : 1 + (position % (bytes.length - 1)); // byte 0 is the version
        bytes[at] = bytes[at]! ^ flip;
        const changed = inMac ? `${payloadText}.${bytes.toString('base64url')}` : `${bytes.toString('base64url')}.${macText}`;
        expect(signer.verify(changed, NOW_MS)).toEqual({ error: 'bad-signature' });
      }),
      { numRuns: 2_000 },
    );
  });

  it('MACs with HMAC-SHA256 truncated to 128 bits, for secrets shorter and longer than a SHA-256 block', () => {
    fc.assert(
      fc.property(factsArb, fc.uint8Array({ minLength: 16, maxLength: 200 }), (facts, secret) => {
        const [payloadText, macText] = createTrackingSigner({ secret, ttlMs: HOUR_MS, clock }).sign(facts).split('.') as [string, string];
        const payload = Buffer.from(payloadText, 'base64url');
        const expected = createHmac('sha256', secret).update(payload).digest().subarray(0, 16).toString('base64url');
        expect(macText).toBe(expected);
      }),
    );
  });

  it('refuses a token signed with another secret', () => {
    const other = createTrackingSigner({ secret: 'another-secret-of-at-least-32-characters', ttlMs: HOUR_MS, clock });
    fc.assert(
      fc.property(factsArb, (facts) => {
        expect(signer.verify(other.sign(facts), NOW_MS)).toEqual({ error: 'bad-signature' });
      }),
    );
  });

  it('expires exactly ttlMs after the decision, and uses the clock when no time is given', () => {
    fc.assert(
      fc.property(factsArb, fc.integer({ min: 0, max: 1_000 * HOUR_MS }), (facts, lateMs) => {
        const token = signer.sign(facts);
        expect(signer.verify(token, signer.expiresAtMs(facts) + lateMs)).toEqual({ error: 'expired', facts });
        expect(signer.verify(token, signer.expiresAtMs(facts) - 1)).toEqual(facts);
      }),
    );
    const facts = fc.sample(factsArb, { numRuns: 1, seed: 7 })[0]!;
    const fresh = { ...facts, decidedAtMs: clock.now().getTime() };
    const token = signer.sign(fresh);
    expect(signer.verify(token)).toEqual(fresh);
    clock.advance(24 * HOUR_MS);
    expect(signer.verify(token)).toEqual({ error: 'expired', facts: fresh });
  });

  it('calls anything that is not a token malformed, without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (text) => {
        expect(signer.verify(text, NOW_MS)).toEqual({ error: 'malformed' });
      }),
    );
    for (const text of ['', '.', 'abc', 'abc.def', 'a.b.c', `${'A'.repeat(227)}.${'A'.repeat(22)}`]) {
      expect(signer.verify(text, NOW_MS)).toEqual({ error: 'malformed' });
    }
  });

  it('round-trips facts whose ids repeat (the catalog ids a signer keeps parsed), in any order, past its cache size', () => {
    const pool = fc.sample(fc.uuid(), { numRuns: 40, seed: 3 });
    const pooled = fc.constantFrom(...pool);
    const repeating = factsArb.chain((facts) =>
      fc
        .record({ advertiserId: pooled, campaignId: pooled, lineItemId: pooled, creativeId: pooled, siteId: pooled })
        .map((ids) => ({ ...facts, ...ids })),
    );
    const small = createTrackingSigner({ secret: 'a-test-secret-of-at-least-32-characters', ttlMs: 24 * HOUR_MS, clock });
    fc.assert(
      fc.property(fc.array(repeating, { minLength: 1, maxLength: 20 }), (batch) => {
        for (const facts of batch) expect(small.verify(small.sign(facts), NOW_MS)).toEqual(facts);
      }),
    );
    // More distinct ids than the cache holds (16,384): it starts over and still signs each right.
    for (let i = 0; i < 2_200; i++) {
      const facts = fc.sample(factsArb, { numRuns: 1, seed: 100 + i })[0]!;
      expect(small.verify(small.sign(facts), NOW_MS)).toEqual(facts);
    }
  });

  it('refuses to sign ids that are not lowercase UUIDs, and unsafe money', () => {
    const facts = fc.sample(factsArb, { numRuns: 1, seed: 1 })[0]!;
    signer.sign(facts); // its ids are known to the signer now: a near miss of one is still refused
    expect(() => signer.sign({ ...facts, lineItemId: facts.lineItemId.toUpperCase().replace(/^./, 'A') })).toThrow(TypeError);
    expect(() => signer.sign({ ...facts, campaignId: `${facts.campaignId.slice(0, 35)}g` })).toThrow(TypeError);
    expect(() => signer.sign({ ...facts, decisionId: facts.decisionId.replaceAll('-', '_') })).toThrow(TypeError);
    expect(() => signer.sign({ ...facts, creativeId: 'creative-1' })).toThrow(TypeError);
    expect(() => signer.sign({ ...facts, costMicros: -1 })).toThrow(TypeError);
    expect(() => signer.sign({ ...facts, priceCpmMicros: 0.5 })).toThrow(TypeError);
    expect(() => createTrackingSigner({ secret: 'short', ttlMs: HOUR_MS, clock })).toThrow(RangeError);
  });
});
