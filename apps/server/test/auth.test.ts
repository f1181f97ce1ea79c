import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, createKey, expectProblem, type Harness, login, OPERATOR } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const loginWith = (email: string, password: string, ip = '10.0.0.1') =>
  h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and returns the user and a CSRF token', async () => {
    const response = await loginWith(OPERATOR.email, OPERATOR.password);
    expect(response.statusCode).toBe(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^adp_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const body = response.json();
    expect(body.user).toMatchObject({ email: OPERATOR.email, role: 'owner', isPlatformAdmin: true });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts the e-mail in any case', async () => {
    expect((await loginWith(OPERATOR.email.toUpperCase(), OPERATOR.password)).statusCode).toBe(200);
  });

  it('gives the same 401 for a wrong password and an unknown e-mail', async () => {
    const wrongPassword = expectProblem(await loginWith(OPERATOR.email, 'not-the-password'), 401, 'INVALID_CREDENTIALS');
    const unknownEmail = expectProblem(await loginWith('nobody@example.com', 'not-the-password'), 401, 'INVALID_CREDENTIALS');
    expect(wrongPassword.detail).toBe(unknownEmail.detail);
  });

  it('slows repeated failures with 429 and Retry-After, even for the right password, until time passes', async () => {
    for (let i = 0; i < 5; i++) expect((await loginWith(OPERATOR.email, 'wrong-password')).statusCode).toBe(401);
    const throttled = await loginWith(OPERATOR.email, OPERATOR.password);
    expectProblem(throttled, 429, 'LOGIN_THROTTLED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    h.clock.advance(61_000);
    expect((await loginWith(OPERATOR.email, OPERATOR.password)).statusCode).toBe(200);
  });

  it('throttles one IP guessing across many e-mails', async () => {
    for (let i = 0; i < 5; i++) await loginWith(`user${i}@example.com`, 'wrong-password', '10.9.9.9');
    expectProblem(await loginWith(OPERATOR.email, OPERATOR.password, '10.9.9.9'), 429, 'LOGIN_THROTTLED');
    expect((await loginWith(OPERATOR.email, OPERATOR.password, '10.1.1.1')).statusCode).toBe(200);
  });

  it('records failed and successful sign-ins in the audit log', async () => {
    await loginWith(OPERATOR.email, 'wrong-password');
    const session = await login(h.app, OPERATOR.email, OPERATOR.password);
    const audit = (await h.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: session.headers })).json();
    const actions = audit.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed']));
  });

  it('expires sessions after their lifetime', async () => {
    const session = await login(h.app, OPERATOR.email, OPERATOR.password);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: session.headers })).statusCode).toBe(200);
    h.clock.advance(13 * 3_600_000);
    expectProblem(await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: session.headers }), 401, 'UNAUTHENTICATED');
  });
});

describe('/me, logout and CSRF', () => {
  it('describes a session caller with its organization, role and CSRF token', async () => {
    const session = await login(h.app, OPERATOR.email, OPERATOR.password);
    const me = (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).json();
    expect(me).toMatchObject({
      kind: 'user',
      role: 'owner',
      isPlatformAdmin: true,
      organization: { name: 'Platform' },
      user: { email: OPERATOR.email },
      csrfToken: session.csrfToken,
    });
  });

  it('describes an API key caller without the secret', async () => {
    const session = await login(h.app, OPERATOR.email, OPERATOR.password);
    const { key, id } = await createKey(h.app, session.headers, 'analyst');
    const response = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ kind: 'api_key', role: 'analyst', isPlatformAdmin: false, apiKey: { id, role: 'analyst' } });
    expect(response.body).not.toContain(key);
    expect(response.json()).not.toHaveProperty('csrfToken');
  });

  it('refuses a cookie-authenticated change without the CSRF header, and accepts it with the header', async () => {
    const session = await login(h.app, OPERATOR.email, OPERATOR.password);
    const payload = { name: 'ci', role: 'analyst' };
    expectProblem(
      await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { cookie: session.cookie }, payload }),
      403,
      'CSRF_TOKEN_INVALID',
    );
    expectProblem(
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: { cookie: session.cookie, 'x-csrf-token': 'forged' },
        payload,
      }),
      403,
      'CSRF_TOKEN_INVALID',
    );
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session.headers, payload })).statusCode).toBe(201);
  });

  it('ends the session on logout', async () => {
    const session = await login(h.app, OPERATOR.email, OPERATOR.password);
    const out = await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session.headers });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/adp_session=;/);
    expectProblem(await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: session.headers }), 401, 'UNAUTHENTICATED');
  });

  it('changes the password: the old one stops working and sessions end', async () => {
    const session = await login(h.app, OPERATOR.email, OPERATOR.password);
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: session.headers,
      payload: { currentPassword: 'nope', newPassword: 'a-brand-new-password' },
    });
    expect(expectProblem(wrong, 401, 'INVALID_CREDENTIALS').errors).toEqual([{ path: 'body.currentPassword', message: 'is not correct' }]);
    const changed = await h.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: session.headers,
      payload: { currentPassword: OPERATOR.password, newPassword: 'a-brand-new-password' },
    });
    expect(changed.statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: session.headers })).statusCode).toBe(401);
    expect((await loginWith(OPERATOR.email, OPERATOR.password)).statusCode).toBe(401);
    expect((await loginWith(OPERATOR.email, 'a-brand-new-password')).statusCode).toBe(200);
  });
});
