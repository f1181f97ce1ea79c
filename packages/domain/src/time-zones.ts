const IANA_NAME = /^(UTC|[A-Z][A-Za-z_+-]*(\/[A-Z0-9][A-Za-z0-9_+-]*)+)$/;

/**
 * An IANA zone name as written in the tz database (`Europe/Paris`, `UTC`),
 * known to the runtime. Case-exact, and legacy abbreviations (`EST`) are
 * refused, so every stored zone reads the same everywhere: organizations,
 * campaigns, reports and the decision core.
 */
export function isTimeZone(name: string): boolean {
  if (!IANA_NAME.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
