import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, expectProblem, type Harness, login, OPERATOR, type Session } from './harness.js';

let h: Harness;
let operator: Session;
beforeAll(async () => {
  h = await createHarness({ bodyLimitBytes: 4096 });
  operator = await login(h.app, OPERATOR.email, OPERATOR.password);
});
afterAll(() => h.close());

const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'POST', url, headers: { ...operator.headers, 'content-type': 'application/json', ...headers }, payload });

describe('bad input gets a 4xx problem+json naming the field, never a 500', () => {
  it('malformed JSON', async () => {
    const body = expectProblem(await post('/api/v1/users', '{"email": '), 400, 'MALFORMED_JSON');
    expect(body.errors).toEqual([{ path: 'body', message: 'is not valid JSON' }]);
  });

  it('wrong types, without coercion', async () => {
    const body = expectProblem(await post('/api/v1/api-keys', { name: 42, role: 'analyst' }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'body.name', message: 'must be string' }]);
  });

  it('unknown fields are refused, not dropped', async () => {
    const body = expectProblem(await post('/api/v1/api-keys', { name: 'k', role: 'analyst', scope: 'all' }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'body.scope', message: 'is not a known field' }]);
  });

  it('missing and nested fields are named by path, all at once', async () => {
    const body = expectProblem(
      await post('/api/v1/organizations', { name: '', owner: { email: 'not-an-email' } }),
      400,
      'VALIDATION_FAILED',
    );
    const paths = (body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.owner.email', 'body.owner.password']));
  });

  it('an unknown role lists the allowed ones', async () => {
    const body = expectProblem(await post('/api/v1/api-keys', { name: 'k', role: 'god' }), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'body.role', message: 'must be one of owner, admin, advertiser, publisher, analyst' }]);
  });

  it('bad query and path parameters', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/api/v1/users?limit=0', headers: operator.headers });
    expect(expectProblem(page, 400, 'VALIDATION_FAILED').errors).toEqual([{ path: 'querystring.limit', message: 'must be >= 1' }]);
    const id = await h.app.inject({ method: 'GET', url: '/api/v1/users/not-a-uuid', headers: operator.headers });
    expect((expectProblem(id, 400, 'VALIDATION_FAILED').errors as { path: string }[])[0]?.path).toBe('params.id');
  });

  it('oversized bodies get 413', async () => {
    const body = expectProblem(await post('/api/v1/api-keys', { name: 'x'.repeat(10_000), role: 'analyst' }), 413, 'BODY_TOO_LARGE');
    expect(body.errors).toEqual([{ path: 'body', message: 'is too large' }]);
  });

  it('a body that is not JSON gets 415', async () => {
    const response = await post('/api/v1/api-keys', 'name=k&role=analyst', { 'content-type': 'application/x-www-form-urlencoded' });
    expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('unknown routes get a 404 problem', async () => {
    expectProblem(await h.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'NOT_FOUND');
  });

  it('any JSON body on every write route yields a 2xx or a 4xx problem, and loses nothing accepted before', async () => {
    const before = (await h.app.inject({ method: 'GET', url: '/api/v1/users?limit=200', headers: operator.headers })).json().items.length;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/v1/users', '/api/v1/api-keys', '/api/v1/organizations', '/api/v1/auth/login'),
        fc.jsonValue(),
        async (url, value) => {
          const response = await post(url, JSON.stringify(value));
          expect(response.statusCode, response.body).toBeLessThan(500);
          if (response.statusCode >= 400) expect(String(response.headers['content-type'])).toContain('application/problem+json');
        },
      ),
      { numRuns: 150 },
    );
    const after = (await h.app.inject({ method: 'GET', url: '/api/v1/users?limit=200', headers: operator.headers })).json().items.length;
    expect(after).toBeGreaterThanOrEqual(before);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a caller’s bucket is empty, per caller', async () => {
    const limited = await createHarness({ rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const call = (ip: string) => limited.app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: ip });
      for (let i = 0; i < 3; i++) expect((await call('10.0.0.7')).statusCode).toBe(401);
      const refused = await call('10.0.0.7');
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(refused.headers['retry-after']).toBe('1');
      expect((await call('10.0.0.8')).statusCode).toBe(401);
      // health checks are never limited
      expect((await limited.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.0.0.7' })).statusCode).toBe(200);
      limited.clock.advance(1000);
      expect((await call('10.0.0.7')).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });
});
