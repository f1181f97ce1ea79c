import { createSignal } from 'solid-js';
import { ApiError, request, setCsrfToken, setUnauthorizedHandler } from './api.js';

export type Role = 'owner' | 'admin' | 'advertiser' | 'publisher' | 'analyst';

export interface Me {
  kind: 'user' | 'api_key';
  role: Role;
  isPlatformAdmin: boolean;
  organization: { id: string; name: string; timezone: string };
  user?: { id: string; email: string; name: string | null };
  csrfToken?: string;
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
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof POLICY;

export function can(permission: Permission): boolean {
  const role = me()?.role;
  return role !== undefined && (POLICY[permission] as readonly Role[]).includes(role);
}
