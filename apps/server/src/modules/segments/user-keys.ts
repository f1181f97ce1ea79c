export const USER_KEY_MAX_CHARS = 256;
// Control characters (C0, DEL, C1) and U+FFFD (what an invalid UTF-8 byte decodes to).
const FORBIDDEN = /[\p{Cc}\uFFFD]/u;
/** The same rule as a JSON-schema pattern, for request bodies that carry a user key (Ajv compiles patterns with the u flag). */
export const USER_KEY_PATTERN = '^[^\\p{Cc}\\uFFFD]+$';

/** Why a user key is unacceptable, or undefined when it is fine: 1..256 characters, no control characters. */
export function userKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'the user key is empty';
  if (key.length > USER_KEY_MAX_CHARS) return `the user key is longer than ${USER_KEY_MAX_CHARS} characters`;
  if (FORBIDDEN.test(key)) return 'the user key contains a control character or invalid UTF-8';
  return undefined;
}
