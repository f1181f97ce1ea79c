import type { DeviceType } from '@adplatform/domain';
import UAParser from 'ua-parser-js';
import { isBotUserAgent } from './bot-detection.js';
import { RecentCache } from './recent-cache.js';

/** What delivery needs from a user agent. Shared between requests through the cache: never mutate one. */
export interface UserAgentFacts {
  readonly deviceType: DeviceType;
  /** Lowercase canonical name (`windows`, `macos`, `ios`, `android`, `linux`, `chromeos`, …). */
  readonly os: string | undefined;
  /** Lowercase canonical name (`chrome`, `safari`, `firefox`, `edge`, `opera`, `samsung internet`, …). */
  readonly browser: string | undefined;
  readonly isBot: boolean;
}

/** Longer user agents are cut here before parsing and caching, which bounds the cache's memory. */
export const USER_AGENT_MAX_CHARS = 512;

/**
 * ua-parser-js's names folded to the values targeting lists use (matched
 * case-insensitively): one name per product, whatever the platform variant.
 * Names not listed pass through lowercased.
 */
const OS_NAMES: Readonly<Record<string, string>> = {
  'mac os': 'macos',
  macos: 'macos',
  'chromium os': 'chromeos',
  'chrome os': 'chromeos',
  'android-x86': 'android',
  ubuntu: 'linux',
  debian: 'linux',
  fedora: 'linux',
  'red hat': 'linux',
  centos: 'linux',
  suse: 'linux',
  opensuse: 'linux',
  mint: 'linux',
  kubuntu: 'linux',
  xubuntu: 'linux',
  arch: 'linux',
  gentoo: 'linux',
  slackware: 'linux',
  mandriva: 'linux',
  deepin: 'linux',
  manjaro: 'linux',
};

const BROWSER_NAMES: Readonly<Record<string, string>> = {
  'mobile chrome': 'chrome',
  'chrome headless': 'chrome',
  'chrome webview': 'chrome',
  'mobile safari': 'safari',
  'mobile firefox': 'firefox',
  'firefox focus': 'firefox',
  'firefox reality': 'firefox',
  'opera mini': 'opera',
  'opera mobi': 'opera',
  'opera touch': 'opera',
  'opera gx': 'opera',
  'opera coast': 'opera',
  iemobile: 'ie',
  'edge mobile': 'edge',
};

const fold = (names: Readonly<Record<string, string>>, name: string | undefined) => {
  if (name === undefined || name.length === 0) return undefined;
  const lower = name.toLowerCase();
  return names[lower] ?? lower;
};

/**
 * ua-parser-js device types → ours: smart TVs and consoles are `ctv` (the
 * living-room screen), wearables `mobile`; no type (the parser leaves desktops
 * unmarked), xr and embedded are `desktop`.
 */
function deviceTypeOf(type: string | undefined): DeviceType {
  switch (type) {
    case 'mobile':
    case 'wearable':
      return 'mobile';
    case 'tablet':
      return 'tablet';
    case 'smarttv':
    case 'console':
      return 'ctv';
    default:
      return 'desktop';
  }
}

const parser = new UAParser();

/** Parses one user agent (about 25-35 µs); use a `UserAgentCache` on the request path. */
export function parseUserAgent(userAgent: string): UserAgentFacts {
  const text = userAgent.length > USER_AGENT_MAX_CHARS ? userAgent.slice(0, USER_AGENT_MAX_CHARS) : userAgent;
  parser.setUA(text);
  return Object.freeze({
    deviceType: deviceTypeOf(parser.getDevice().type),
    os: fold(OS_NAMES, parser.getOS().name),
    browser: fold(BROWSER_NAMES, parser.getBrowser().name),
    isBot: isBotUserAgent(text),
  });
}

export interface UserAgentCache {
  /** The facts of a user agent, parsed at most once while it stays among the most recent `maxEntries`. */
  parse(userAgent: string): UserAgentFacts;
  readonly size: number;
}

export const DEFAULT_USER_AGENT_CACHE_ENTRIES = 10_000;

/**
 * Real traffic repeats a few thousand user agents, so a cache of recently used parsed facts
 * turns a 30 µs parse into a map hit. Memory: at most `maxEntries` keys of at
 * most 512 characters plus one small frozen object each (about 5 MB at the
 * default 10,000 with typical 200-character user agents).
 */
export function createUserAgentCache(maxEntries = DEFAULT_USER_AGENT_CACHE_ENTRIES): UserAgentCache {
  const cache = new RecentCache<string, UserAgentFacts>(maxEntries);
  return {
    parse(userAgent) {
      const key = userAgent.length > USER_AGENT_MAX_CHARS ? userAgent.slice(0, USER_AGENT_MAX_CHARS) : userAgent;
      let facts = cache.get(key);
      if (facts === undefined) {
        facts = parseUserAgent(key);
        cache.set(key, facts);
      }
      return facts;
    },
    get size() {
      return cache.size;
    },
  };
}
