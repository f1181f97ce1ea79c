import { invalidField } from '@adplatform/domain';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// The last label starts with a letter: rules out IP addresses and bare numbers.
const TOP_LABEL = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A registrable host name as sites, publishers (sellers.json) and targeting
 * use it: at least two labels, letters, digits and hyphens, compared in lower
 * case. Returns it lower-cased, or throws VALIDATION_FAILED naming `path`.
 */
export function normalizeDomain(value: string, path: string): string {
  const domain = value.toLowerCase();
  const labels = domain.split('.');
  const valid =
    domain.length <= 253 &&
    labels.length >= 2 &&
    labels.slice(0, -1).every((label) => LABEL.test(label)) &&
    TOP_LABEL.test(labels.at(-1) ?? '');
  if (!valid) throw invalidField(path, 'must be a host name such as news.example.com (no scheme, path or port)');
  return domain;
}
