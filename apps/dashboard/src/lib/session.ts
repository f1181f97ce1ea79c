import { createSignal } from 'solid-js';
import { ApiError, request, setCsrfToken, setUnauthorizedHandler } from './api.js';

export type Role = 'owner' | 'admin' | 'advertiser' | 'publisher' | 'analyst';

/** A user's or API key's access limit fields (ADR 0017): at most one list is non-empty. */
export interface LimitFields {
  advertiserIds?: string[];
  publisherIds?: string[];
}

export interface Me {
  kind: 'user' | 'api_key';
  role: Role;
  isPlatformAdmin: boolean;
  organization: { id: string; name: string; timezone: string };
  user?: { id: string; email: string; name: string | null } & LimitFields;
  apiKey?: { id: string; name: string } & LimitFields;
  csrfToken?: string;
}

export interface AccessLimitOf {
  side: 'advertiser' | 'publisher';
  ids: string[];
}

/** undefined: not known yet; null: signed out. */
const [me, setMe] = createSignal<Me | null | undefined>(undefined);
/** The session ended while a page was open: the sign-in dialog covers the page, which keeps what was typed. */
const [sessionLost, setSessionLost] = createSignal(false);

export { me, sessionLost };

setUnauthorizedHandler(() => {
  if (me()) setSessionLost(true);
  else setMe(null);
});

export async function loadSession(): Promise<void> {
  try {
    const found = await request<Me>('GET', '/api/v1/me', { anonymous: true });
    setCsrfToken(found.csrfToken ?? null);
    setMe(found);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) setMe(null);
    else throw error;
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  const result = await request<{ csrfToken: string }>('POST', '/api/v1/auth/login', { body: { email, password }, anonymous: true });
  setCsrfToken(result.csrfToken);
  await loadSession();
  setSessionLost(false);
}

export async function signOut(): Promise<void> {
  try {
    await request('POST', '/api/v1/auth/logout', { anonymous: true });
  } finally {
    setCsrfToken(null);
    setMe(null);
  }
}

/** The caller's access limit (ADR 0017), or null when it sees the whole organization. */
export function accessLimit(): AccessLimitOf | null {
  const who = me();
  const fields = who?.user ?? who?.apiKey;
  if (fields?.advertiserIds?.length) return { side: 'advertiser', ids: fields.advertiserIds };
  if (fields?.publisherIds?.length) return { side: 'publisher', ids: fields.publisherIds };
  return null;
}

/** What each role may see and do; mirrors the server's policies (the API refuses the rest anyway). */
const POLICY = {
  advertiserRead: ['owner', 'admin', 'advertiser', 'analyst'],
  advertiserWrite: ['owner', 'admin', 'advertiser'],
  publisherRead: ['owner', 'admin', 'publisher', 'analyst'],
  publisherWrite: ['owner', 'admin', 'publisher'],
  operationsRead: ['owner', 'admin', 'analyst'],
  operationsWrite: ['owner', 'admin'],
  manage: ['owner', 'admin'],
  reports: ['owner', 'admin', 'advertiser', 'publisher', 'analyst'],
  /** New advertisers and publishers, as opposed to what lies below them. */
  advertiserCreate: ['owner', 'admin', 'advertiser'],
  publisherCreate: ['owner', 'admin', 'publisher'],
  segments: ['owner', 'admin', 'advertiser', 'analyst'],
  segmentsWrite: ['owner', 'admin', 'advertiser'],
  liveStats: ['owner', 'admin', 'advertiser', 'publisher', 'analyst'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof POLICY;

/**
 * What a caller limited to some advertisers or publishers may still do
 * (ADR 0017, the server's http/scoped-access.ts): its own side of the market,
 * below the advertisers or publishers it was given, and reports. The other
 * side reads as empty; new advertisers or publishers, segments, demand
 * partners, live stats, users, keys and the audit log answer 403.
 */
const LIMITED: Record<AccessLimitOf['side'], ReadonlySet<Permission>> = {
  advertiser: new Set(['advertiserRead', 'advertiserWrite', 'reports']),
  publisher: new Set(['publisherRead', 'publisherWrite', 'reports']),
};

export function can(permission: Permission): boolean {
  const role = me()?.role;
  if (role === undefined || !(POLICY[permission] as readonly Role[]).includes(role)) return false;
  const limit = accessLimit();
  return limit === null || LIMITED[limit.side].has(permission);
}
