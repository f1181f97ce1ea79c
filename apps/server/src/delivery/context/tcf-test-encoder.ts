import { TCF_PURPOSE_COUNT } from './tcf-consent.js';

/** Test support only: builds TC strings bit by bit so tests need no third-party encoder. */
export interface CoreFields {
  version: number;
  cmpId: number;
  vendorListVersion: number;
  specialFeatures: number;
  purposes: readonly number[];
  /** Bits after PurposesConsent (LI transparency, vendor sections…): filler here. */
  tailBits: number;
}

/** Writes a core segment field by field, as the TCF v2 spec lays it out, then base64url without padding. */
export function encodeCore(fields: CoreFields): string {
  const bits: number[] = [];
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push(Math.floor(value / 2 ** i) % 2);
  };
  put(fields.version, 6);
  put(16_000_000_000, 36); // Created, deciseconds
  put(16_000_000_001, 36); // LastUpdated
  put(fields.cmpId, 12);
  put(3, 12); // CmpVersion
  put(1, 6); // ConsentScreen
  put(4 * 64 + 13, 12); // ConsentLanguage "EN"
  put(fields.vendorListVersion, 12);
  put(4, 6); // TcfPolicyVersion
  put(1, 1); // IsServiceSpecific
  put(0, 1); // UseNonStandardTexts
  put(fields.specialFeatures, 12);
  for (let purpose = 1; purpose <= TCF_PURPOSE_COUNT; purpose++) bits.push(fields.purposes.includes(purpose) ? 1 : 0);
  for (let i = 0; i < fields.tailBits; i++) bits.push(i % 3 === 0 ? 1 : 0);
  while (bits.length % 8 !== 0) bits.push(0);
  const bytes = Buffer.alloc(bits.length / 8);
  bits.forEach((bit, i) => {
    if (bit) bytes[i >> 3] = (bytes[i >> 3] as number) | (1 << (7 - (i & 7)));
  });
  return bytes.toString('base64url');
}

/** A well-formed core segment granting exactly these purposes. */
export const tcStringGranting = (purposes: readonly number[]): string =>
  encodeCore({ version: 2, cmpId: 7, vendorListVersion: 150, specialFeatures: 0, purposes, tailBits: 60 });
