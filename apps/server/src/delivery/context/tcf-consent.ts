/**
 * A minimal decoder of an IAB TCF v2 TC string: only the core segment's
 * version and its 24 purpose-consent bits, which is all the user-key rule
 * needs. Layout of the core segment (IAB Tech Lab, "Consent string and vendor
 * list formats v2", bits most significant first): Version 6, Created 36,
 * LastUpdated 36, CmpId 12, CmpVersion 12, ConsentScreen 6, ConsentLanguage
 * 12, VendorListVersion 12, TcfPolicyVersion 6, IsServiceSpecific 1,
 * UseNonStandardTexts 1, SpecialFeatureOptIns 12, PurposesConsent 24 (bit k-1
 * is purpose k), then fields we do not read.
 */
const VERSION_BITS = 6;
const PURPOSES_CONSENT_OFFSET = 6 + 36 + 36 + 12 + 12 + 6 + 12 + 12 + 6 + 1 + 1 + 12;
export const TCF_PURPOSE_COUNT = 24;
/** A core segment is hundreds of characters at most in practice; a longer header is refused unread. */
const TC_STRING_MAX_CHARS = 10_000;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface TcfConsent {
  version: number;
  /** Purpose ids (1..24) with consent, ascending. */
  purposeConsents: number[];
}

/**
 * The purposes a TC string grants, or undefined when the string is not a
 * well-formed TCF v2 core segment (wrong alphabet, too short, another
 * version). Never throws.
 */
export function decodeTcfConsent(tcString: string): TcfConsent | undefined {
  if (tcString.length === 0 || tcString.length > TC_STRING_MAX_CHARS) return undefined;
  const core = tcString.split('.', 1)[0] as string;
  if (!BASE64URL.test(core)) return undefined;
  const bytes = Buffer.from(core, 'base64url');
  if (bytes.length * 8 < PURPOSES_CONSENT_OFFSET + TCF_PURPOSE_COUNT) return undefined;
  const version = readBits(bytes, 0, VERSION_BITS);
  if (version !== 2) return undefined;
  const purposeConsents: number[] = [];
  for (let purpose = 1; purpose <= TCF_PURPOSE_COUNT; purpose++) {
    if (readBits(bytes, PURPOSES_CONSENT_OFFSET + purpose - 1, 1) === 1) purposeConsents.push(purpose);
  }
  return { version, purposeConsents };
}

/** True only for a well-formed TCF v2 string that grants purpose 1 (store and/or access information on a device). */
export function tcfGrantsStorage(tcString: string | undefined): boolean {
  if (tcString === undefined) return false;
  return decodeTcfConsent(tcString)?.purposeConsents.includes(1) ?? false;
}

/** An unsigned integer of `length` (≤ 32) bits starting at bit `offset`, most significant bit first. */
function readBits(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = offset; i < offset + length; i++) {
    const bit = ((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1;
    value = value * 2 + bit;
  }
  return value;
}
