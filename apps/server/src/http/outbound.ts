import { lookup } from 'node:dns/promises';
import { invalidField } from '@adplatform/domain';
import ipaddr from 'ipaddr.js';

/**
 * The SSRF guard for every outbound call the platform makes on a tenant's
 * behalf (demand partners now; creative URLs and webhooks later). A target is
 * acceptable only when every address its host resolves to is public unicast.
 */

/** Global unicast IPv6 (RFC 4291): everything else in IPv6 is special in some way. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * True when the address is a public unicast address. Refuses loopback, private
 * (RFC 1918, fc00::/7), link-local, unspecified, multicast, broadcast, CGNAT,
 * documentation/benchmarking/reserved ranges, translation prefixes (6to4,
 * Teredo, NAT64) and IPv4-mapped IPv6 of any refused IPv4. Not an IP → false.
 */
export function isPublicAddress(address: string): boolean {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(text)) return false;
  const parsed = ipaddr.parse(text);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast';
  return v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST_V6);
}

export type HostResolver = (host: string) => Promise<string[]>;

const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface PublicUrlOptions {
  /** The operator's ADPLATFORM_ALLOW_PRIVATE_OUTBOUND: skip the address check (the scheme is still checked). */
  allowPrivate: boolean;
  /** Names the field in the 400 (e.g. `body.endpointUrl`). */
  path?: string;
  /** Injected in tests; the system resolver (getaddrinfo) otherwise. */
  resolve?: HostResolver;
  timeoutMs?: number;
}

/**
 * Throws VALIDATION_FAILED naming `path` unless `url` is an http(s) URL whose
 * host is (or resolves only to) public addresses. Call it when the URL is
 * saved and again right before connecting: DNS answers can change in between.
 * Returns the parsed URL and the addresses checked.
 */
export async function assertPublicUrl(url: string, options: PublicUrlOptions): Promise<{ url: URL; addresses: string[] }> {
  const path = options.path ?? 'url';
  const parsed = parseHttpUrl(url, path);
  if (options.allowPrivate) return { url: parsed, addresses: [] };
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const addresses = await resolveHost(host, options, path);
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (refused !== undefined) {
    throw invalidField(path, `must point to a public address (${host} is ${refused}, which is not publicly routable)`);
  }
  return { url: parsed, addresses };
}

function parseHttpUrl(url: string, path: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidField(path, 'is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidField(path, 'must be an http or https URL');
  if (parsed.username || parsed.password) throw invalidField(path, 'must not contain credentials');
  return parsed;
}

async function resolveHost(host: string, options: PublicUrlOptions, path: string): Promise<string[]> {
  if (ipaddr.isValid(host)) return [host];
  // Names under .localhost are loopback by definition (RFC 6761), whatever a resolver says.
  if (host === 'localhost' || host.endsWith('.localhost')) return ['127.0.0.1'];
  const resolve = options.resolve ?? systemResolver;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), options.timeoutMs ?? 3000);
  });
  try {
    const addresses = await Promise.race([resolve(host), timeout]);
    if (addresses.length === 0) throw new Error('no addresses');
    return addresses;
  } catch {
    throw invalidField(path, `has a host that does not resolve (${host})`);
  } finally {
    clearTimeout(timer);
  }
}
