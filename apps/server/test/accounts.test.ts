import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createHarness,
  createKey,
  createOrganization,
  expectProblem,
  type Harness,
  login,
  OPERATOR,
  type Session,
} from './harness.js';

let h: Harness;
let operator: Session;
beforeAll(async () => {
  h = await createHarness();
  operator = await login(h.app, OPERATOR.email, OPERATOR.password);
});
afterAll(() => h.close());

const auditFor = async (headers: Record<string, string>, resourceId: string) =>
  (await h.app.inject({ method: 'GET', url: `/api/v1/audit-log?resourceId=${resourceId}`, headers })).json().items;

describe('API keys', () => {
  it('shows the secret once, lists keys without it, and records last use', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: operator.headers,
      payload: { name: 'reporting', role: 'analyst' },
    });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    expect(key).toMatchObject({ name: 'reporting', role: 'analyst', lastUsedAt: null, revokedAt: null });
    expect(key.key.startsWith(key.prefix)).toBe(true);
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: operator.headers });
    expect(list.body).not.toContain(key.key);
    expect(list.json().items.find((k: { id: string }) => k.id === key.id)).not.toHaveProperty('key');
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(key.key) })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50)); // last-use is written in the background
    const after = (await h.app.inject({ method: 'GET', url: `/api/v1/api-keys/${key.id}`, headers: operator.headers })).json();
    expect(after.lastUsedAt).toBe('2026-11-27T12:00:00.000Z');
  });

  it('stores only a hash of the key', async () => {
    const { key, id } = await createKey(h.app, operator.headers, 'analyst');
    const me = (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: operator.headers })).json();
    const found = await h.store.apiKeys.findByPrefix(key.slice(0, 16));
    expect(found?.apiKey.id).toBe(id);
    expect(found?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(found?.secretHash).not.toContain(key.slice(17));
    expect(me.organization.id).toBe(found?.apiKey.organizationId);
  });

  it('stops working once revoked, and the revocation is audited', async () => {
    const { key, id } = await createKey(h.app, operator.headers, 'admin');
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, headers: operator.headers });
    expect(revoked.statusCode).toBe(204);
    expectProblem(await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(key) }), 401, 'UNAUTHENTICATED');
    const entries = await auditFor(operator.headers, id);
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['api_key.revoke', 'api_key.create']);
    expect(entries[0].before.revokedAt).toBeNull();
    expect(entries[0].after.revokedAt).not.toBeNull();
    expect(JSON.stringify(entries)).not.toContain(key);
  });

  it('never issues a key above the issuer’s role', async () => {
    const admin = await createKey(h.app, operator.headers, 'admin');
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(admin.key),
      payload: { name: 'escalate', role: 'owner' },
    });
    expect(expectProblem(response, 403, 'FORBIDDEN').errors).toEqual([{ path: 'body.role', message: 'may not be granted by admin' }]);
  });
});

describe('users', () => {
  it('creates an active user with a password who can then sign in, and audits it without the hash', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: operator.headers,
      payload: { email: 'Ann@Example.com', name: 'Ann', role: 'advertiser', password: 'ann-password-1234' },
    });
    expect(created.statusCode).toBe(201);
    const user = created.json().user;
    expect(user).toMatchObject({ email: 'ann@example.com', role: 'advertiser', status: 'active' });
    expect(created.json()).not.toHaveProperty('invitation');
    const ann = await login(h.app, 'ann@example.com', 'ann-password-1234');
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: ann.headers })).json().role).toBe('advertiser');
    const entries = await auditFor(operator.headers, user.id);
    expect(entries[0]).toMatchObject({ action: 'user.create', actorKind: 'user', before: null, after: { email: 'ann@example.com' } });
    expect(JSON.stringify(entries)).not.toMatch(/scrypt|password/i);
  });

  it('refuses a second user with the same e-mail, naming the field', async () => {
    const payload = { email: 'dup@example.com', role: 'analyst' };
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/users', headers: operator.headers, payload })).statusCode).toBe(201);
    const again = await h.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: operator.headers,
      payload: { ...payload, email: 'DUP@example.com' },
    });
    expect(expectProblem(again, 409, 'CONFLICT').errors).toEqual([{ path: 'body.email', message: 'is already in use' }]);
  });

  it('invites a user who sets a password with the one-time token', async () => {
    const created = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: operator.headers,
        payload: { email: 'invitee@example.com', role: 'publisher' },
      })
    ).json();
    expect(created.user.status).toBe('invited');
    expect(created.invitation.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const accept = (token: string) =>
      h.app.inject({ method: 'POST', url: '/api/v1/auth/accept-invite', payload: { token, password: 'invitee-password-1' } });
    expectProblem(await accept('wrong-token'), 400, 'INVITE_INVALID');
    const accepted = await accept(created.invitation.token);
    expect(accepted.json()).toMatchObject({ status: 'active', role: 'publisher' });
    expectProblem(await accept(created.invitation.token), 400, 'INVITE_INVALID');
    await login(h.app, 'invitee@example.com', 'invitee-password-1');
  });

  it('changes a role, and deactivation ends the user’s sessions and sign-ins', async () => {
    const user = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: operator.headers,
        payload: { email: 'bob@example.com', role: 'analyst', password: 'bob-password-1234' },
      })
    ).json().user;
    const bob = await login(h.app, 'bob@example.com', 'bob-password-1234');
    const promoted = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      headers: operator.headers,
      payload: { role: 'admin' },
    });
    expect(promoted.json().role).toBe('admin');
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: bob.headers })).json().role).toBe('admin');
    const deactivated = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      headers: operator.headers,
      payload: { status: 'deactivated' },
    });
    expect(deactivated.json().status).toBe('deactivated');
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: bob.headers })).statusCode).toBe(401);
    expectProblem(
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'bob@example.com', password: 'bob-password-1234' },
      }),
      401,
      'INVALID_CREDENTIALS',
    );
    const updates = (await auditFor(operator.headers, user.id)).filter((e: { action: string }) => e.action === 'user.update');
    expect(updates[0]).toMatchObject({ before: { status: 'active', role: 'admin' }, after: { status: 'deactivated' } });
    expect(updates[1]).toMatchObject({ before: { role: 'analyst' }, after: { role: 'admin' } });
  });

  it('keeps the last owner, and lets only owners change owners', async () => {
    const me = (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: operator.headers })).json();
    const demote = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${me.user.id}`,
      headers: operator.headers,
      payload: { role: 'admin' },
    });
    expect(expectProblem(demote, 409, 'LAST_OWNER').errors).toEqual([{ path: 'body.role', message: 'would remove the last owner' }]);
    const admin = await createKey(h.app, operator.headers, 'admin');
    expectProblem(
      await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${me.user.id}`,
        headers: bearer(admin.key),
        payload: { status: 'deactivated' },
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('pages through users with a cursor, each exactly once', async () => {
    for (let i = 0; i < 5; i++) {
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: operator.headers,
        payload: { email: `page${i}@example.com`, role: 'analyst' },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await h.app.inject({ method: 'GET', url, headers: operator.headers })).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((u: { id: string }) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });
});

describe('organizations', () => {
  it('lets the operator create an organization with its owner, audited in both tenants', async () => {
    const org = await createOrganization(h.app, operator, 'Acme Media');
    const me = (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: org.owner.headers })).json();
    expect(me).toMatchObject({ role: 'owner', isPlatformAdmin: false, organization: { id: org.id, name: 'Acme Media', timezone: 'UTC' } });
    const listed = (await h.app.inject({ method: 'GET', url: '/api/v1/organizations?limit=200', headers: operator.headers })).json();
    expect(listed.items.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['Platform', 'Acme Media']));
    expect((await auditFor(org.owner.headers, org.id))[0].action).toBe('organization.create');
    expect((await auditFor(operator.headers, org.id))[0].action).toBe('organization.create');
    const own = await h.app.inject({ method: 'GET', url: `/api/v1/organizations/${org.id}`, headers: org.owner.headers });
    expect(own.json().name).toBe('Acme Media');
  });

  it('refuses an unknown time zone, naming the field', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: operator.headers,
      payload: { name: 'Nowhere', timezone: 'Mars/Olympus', owner: { email: 'o@nowhere.example', password: 'owner-password-123' } },
    });
    expect(expectProblem(response, 400, 'VALIDATION_FAILED').errors).toEqual([
      { path: 'body.timezone', message: 'must be an IANA time zone such as Europe/Paris' },
    ]);
    // The same rule as campaigns, which inherit the organization's zone: no other case, no abbreviations.
    for (const timezone of ['utc', 'EST']) {
      const other = await h.app.inject({
        method: 'POST',
        url: '/api/v1/organizations',
        headers: operator.headers,
        payload: { name: 'Nowhere', timezone, owner: { email: 'o@nowhere.example', password: 'owner-password-123' } },
      });
      expectProblem(other, 400, 'VALIDATION_FAILED');
    }
    const listed = (await h.app.inject({ method: 'GET', url: '/api/v1/organizations?limit=200', headers: operator.headers })).json();
    expect(listed.items.map((o: { name: string }) => o.name)).not.toContain('Nowhere');
  });
});
