import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeRequest } from './normalize-request.js';
import { validateBidRequest } from './validate-request.js';

const ROOT = path.resolve(import.meta.dirname, '../../../../../../shared/fixtures');
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : file.endsWith('.json') ? [file] : [];
  });

/** Every valid request fixture, as seeds for the mutations below. */
const seeds: unknown[] = [
  ...filesUnder(path.join(ROOT, 'mxmcherry-openrtb/openrtb2/testdata/bid-request')).map((f) => JSON.parse(readFileSync(f, 'utf8'))),
  ...filesUnder(path.join(ROOT, 'prebid-server/endpoints/openrtb2/sample-requests/valid-whole')).map(
    (f) => JSON.parse(readFileSync(f, 'utf8')).mockBidRequest,
  ),
].filter((request) => validateBidRequest(request).ok);

/** A JSON value with the keys that trip naive code. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, '', '__proto__', '{}'),
    fc.double(),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom('__proto__', 'constructor', 'id', 'imp', 'banner', 'w', 'format', 'native', 'request', 'site', 'ext'),
      tie('value'),
      {
        maxKeys: 5,
      },
    ),
  ),
})).value;

/** Replaces one path of a seed with a hostile value. */
function mutate(seed: unknown, pathChoices: number[], replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(seed));
  let node: unknown = copy;
  for (const choice of pathChoices) {
    if (typeof node !== 'object' || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[choice % keys.length]!;
    const child = (node as Record<string, unknown>)[key];
    if (typeof child !== 'object' || child === null || choice % 3 === 0) {
      (node as Record<string, unknown>)[key] = replacement;
      return copy;
    }
    node = child;
  }
  return copy;
}

describe('validateBidRequest', () => {
  it('has seeds from every valid request set', () => {
    expect(seeds.length).toBeGreaterThan(20);
  });

  it('never throws on any JSON value, and always answers one line naming a request path', () => {
    fc.assert(
      fc.property(hostileJson, (value) => {
        const result = validateBidRequest(JSON.parse(JSON.stringify(value ?? null)));
        if (!result.ok) expect(result.message).toMatch(/^(request|No more than one)/);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated fixtures (deep paths, __proto__ keys, huge numbers)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }),
        hostileJson,
        (seed, choices, replacement) => {
          const mutated = mutate(seed, choices, replacement);
          const result = validateBidRequest(JSON.parse(JSON.stringify(mutated)));
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('survives deep nesting without a stack overflow', () => {
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { ext: deep };
    expect(() => validateBidRequest({ id: 'x', imp: [{ id: '1', banner: { w: 1, h: 1 }, ext: deep }], site: { page: 'p' } })).not.toThrow();
  });

  it('accepted requests round-trip: normalized, serialized and parsed again they are still accepted, and normalizing again changes nothing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }),
        hostileJson,
        (seed, choices, replacement) => {
          const candidate = JSON.parse(JSON.stringify(mutate(seed, choices, replacement)));
          const result = validateBidRequest(candidate);
          if (!result.ok) return;
          const normalized = normalizeRequest(result.request);
          const again = validateBidRequest(JSON.parse(JSON.stringify(normalized)));
          expect(again.ok).toBe(true);
          if (again.ok) expect(normalizeRequest(again.request)).toEqual(again.request);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('moves 2.5 ext fields to their 2.6 places without mutating the input', () => {
    const request = {
      id: 'r',
      imp: [{ id: '1', banner: { w: 300, h: 250 } }],
      site: { page: 'https://a.example/' },
      regs: { ext: { gdpr: 1, us_privacy: '1YNN' } },
      user: { ext: { consent: 'CP-tc', eids: [] } },
      source: { ext: { schain: { complete: 1, ver: '1.0', nodes: [] } } },
    };
    const before = JSON.stringify(request);
    const result = validateBidRequest(request);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const normalized = normalizeRequest(result.request);
    expect(normalized.regs).toMatchObject({ gdpr: 1, us_privacy: '1YNN' });
    expect(normalized.user).toMatchObject({ consent: 'CP-tc', eids: [] });
    expect(normalized.source?.schain).toMatchObject({ complete: 1 });
    expect(JSON.stringify(request)).toBe(before);
  });

  it('names the first problem the way Prebid Server does', () => {
    const base = { id: 'r', site: { page: 'p' } };
    const cases: [unknown, string][] = [
      [
        { ...base, imp: [{ id: '1', banner: { format: [{ w: -5, h: 250 }] } }] },
        'request.imp[0].banner.format[0].w must be a positive number',
      ],
      [{ ...base, imp: [{ id: '1', banner: { w: 1, h: 1 } }], tmax: -2 }, 'request.tmax must be nonnegative. Got -2'],
      [{ ...base, imp: [{ id: '1', video: { mimes: [] } }] }, 'request.imp[0].video.mimes must contain at least one supported MIME type'],
      [{ ...base, imp: [{ id: '1', banner: { w: 1, h: 1 } }], cur: ['XYZ'] }, 'request.cur[0] must be an ISO 4217 currency code'],
      [
        { ...base, imp: [{ id: '1', banner: { w: 1, h: 1 } }], at: 3 },
        'request.at must be 1 (first price), 2 (second price) or an exchange-specific value above 500',
      ],
      [
        { ...base, imp: [{ id: '1', banner: { w: 1, h: 1 } }], bcat: ['IAB8'], cattax: '1' },
        'request.cattax must be a non-negative integer (an AdCOM category taxonomy)',
      ],
      [
        { ...base, imp: [{ id: '1', banner: { w: 1, h: 1 } }], cattax: 1.5 },
        'request.cattax must be a non-negative integer (an AdCOM category taxonomy)',
      ],
    ];
    for (const [input, message] of cases) expect(validateBidRequest(input)).toEqual({ ok: false, message });
    // Any AdCOM taxonomy id is taken (2: IAB 2.0, 6: IAB 3.0, 500+: exchange-specific).
    for (const cattax of [1, 2, 6, 501]) {
      expect(validateBidRequest({ ...base, imp: [{ id: '1', banner: { w: 1, h: 1 } }], bcat: ['IAB8'], cattax }).ok).toBe(true);
    }
  });
});
