import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTcfConsent, TCF_PURPOSE_COUNT, tcfGrantsStorage } from './tcf-consent.js';
import { type CoreFields, encodeCore } from './tcf-test-encoder.js';

const fields = (purposes: number[]): CoreFields => ({
  version: 2,
  cmpId: 7,
  vendorListVersion: 150,
  specialFeatures: 0b1010,
  purposes,
  tailBits: 60,
});

describe('decodeTcfConsent', () => {
  it('reads the purpose-consent bits of a core segment and ignores the segments after it', () => {
    const core = encodeCore(fields([1, 3, 4, 7, 10]));
    expect(decodeTcfConsent(core)).toEqual({ version: 2, purposeConsents: [1, 3, 4, 7, 10] });
    expect(decodeTcfConsent(`${core}.IAAAAAAA.QAAA`)).toEqual({ version: 2, purposeConsents: [1, 3, 4, 7, 10] });
  });

  it('round-trips any purposes and any values of the fields before them', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: TCF_PURPOSE_COUNT })),
        fc.nat(4095),
        fc.nat(4095),
        fc.nat(4095),
        fc.nat(200),
        (purposes, cmpId, vendorListVersion, specialFeatures, tailBits) => {
          const core = encodeCore({ version: 2, cmpId, vendorListVersion, specialFeatures, purposes, tailBits });
          expect(decodeTcfConsent(core)?.purposeConsents).toEqual([...purposes].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('refuses another version, a truncated segment and characters outside base64url', () => {
    expect(decodeTcfConsent(encodeCore({ ...fields([1]), version: 1 }))).toBeUndefined();
    const core = encodeCore(fields([1]));
    expect(decodeTcfConsent(core.slice(0, 29))).toBeUndefined();
    expect(decodeTcfConsent(`${core.slice(0, 10)}+/${core.slice(12)}`)).toBeUndefined();
    expect(decodeTcfConsent('')).toBeUndefined();
    expect(decodeTcfConsent('.')).toBeUndefined();
  });

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]{0,80}(\.[A-Za-z0-9_-]{0,20})?$/)), (text) => {
        const decoded = decodeTcfConsent(text);
        if (decoded) for (const purpose of decoded.purposeConsents) expect(purpose).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('tcfGrantsStorage', () => {
  it('is true only when purpose 1 has consent', () => {
    expect(tcfGrantsStorage(encodeCore(fields([1])))).toBe(true);
    expect(tcfGrantsStorage(encodeCore(fields([2, 3, 4, 5, 6, 7, 8, 9, 10])))).toBe(false);
    expect(tcfGrantsStorage(undefined)).toBe(false);
    expect(tcfGrantsStorage('not a tc string')).toBe(false);
  });
});
