import type { InjectOptions } from 'fastify';
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

/** Who may read /metrics (ADR 0020): loopback, the metrics token, or an owner/admin with the operator flag. */
const TOKEN = 'metrics-token-0123456789abcdefghijklmnopqrstuv';
const REMOTE = '203.0.113.9';

let h: Harness;
let operator: Session;
let tenantOwner: Session;
const operatorKeys: Record<string, string> = {};

beforeAll(async () => {
  h = await createHarness({ metricsToken: TOKEN, rateLimit: { perSecond: 0.001, burst: 10 } });
  operator = await login(h.app, OPERATOR.email, OPERATOR.password);
  tenantOwner = (await createOrganization(h.app, operator, 'Tenant M')).owner;
  for (const role of ['owner', 'admin', 'analyst', 'advertiser'] as const) {
    operatorKeys[role] = (await createKey(h.app, operator.headers, role)).key;
  }
});

afterAll(() => h.close());

const scrape = (options: Partial<InjectOptions> = {}) => h.app.inject({ method: 'GET', url: '/metrics', ...options });
const isMetrics = (body: string) => body.includes('# TYPE adplatform_http_request_duration_seconds histogram');

describe('GET /metrics access', () => {
  it('answers a caller on the loopback interface without credentials, over IPv4, IPv6 and mapped IPv4', async () => {
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const response = await scrape({ remoteAddress });
      expect(response.statusCode, remoteAddress).toBe(200);
      expect(isMetrics(response.body)).toBe(true);
    }
  });

  it('refuses a remote caller without credentials with 401 problem+json, whatever X-Forwarded-For claims', async () => {
    expectProblem(await scrape({ remoteAddress: REMOTE }), 401, 'UNAUTHENTICATED');
    const spoofed = await scrape({ remoteAddress: REMOTE, headers: { 'x-forwarded-for': '127.0.0.1' } });
    expectProblem(spoofed, 401, 'UNAUTHENTICATED');
    expect(spoofed.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses a loopback socket that relays someone else (a proxy on this machine)', async () => {
    expectProblem(await scrape({ remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.4' } }), 401, 'UNAUTHENTICATED');
    expectProblem(await scrape({ remoteAddress: '::1', headers: { forwarded: 'for=198.51.100.4' } }), 401, 'UNAUTHENTICATED');
  });

  it('answers the right token from anywhere, refuses a wrong, truncated or extended one with 401', async () => {
    const right = await scrape({ remoteAddress: REMOTE, headers: bearer(TOKEN) });
    expect(right.statusCode).toBe(200);
    expect(isMetrics(right.body)).toBe(true);
    for (const wrong of [`${TOKEN.slice(0, -1)}w`, TOKEN.slice(0, -1), `${TOKEN}x`]) {
      expectProblem(await scrape({ remoteAddress: REMOTE, headers: bearer(wrong) }), 401, 'UNAUTHENTICATED');
    }
    expectProblem(await scrape({ remoteAddress: REMOTE, headers: { authorization: `Basic ${TOKEN}` } }), 401, 'UNAUTHENTICATED');
  });

  it('answers the operator’s session; refuses another organization’s owner and every API key, owner and admin included, with 403', async () => {
    expect((await scrape({ remoteAddress: REMOTE, headers: { cookie: operator.cookie } })).statusCode).toBe(200);
    expectProblem(await scrape({ remoteAddress: REMOTE, headers: { cookie: tenantOwner.cookie } }), 403, 'FORBIDDEN');
    // API keys never carry the operator flag (ADR 0004): a program reads /metrics with the token.
    for (const role of ['owner', 'admin', 'analyst', 'advertiser']) {
      expectProblem(await scrape({ remoteAddress: REMOTE, headers: bearer(operatorKeys[role]!) }), 403, 'FORBIDDEN');
    }
  });

  it('answers a real HTTP scrape over the loopback socket, as the benches and a local Prometheus send it', async () => {
    const url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(isMetrics(await response.text())).toBe(true);
  });

  it('lets an analyst on this machine in: the loopback rule does not depend on the credential', async () => {
    expect((await scrape({ headers: bearer(operatorKeys.analyst!) })).statusCode).toBe(200);
  });

  it('is never rate-limited (a bucket of 10 per client, never refilled), allowed or refused', async () => {
    for (let i = 0; i < 15; i++) {
      expect((await scrape()).statusCode).toBe(200);
      expect((await scrape({ remoteAddress: REMOTE, headers: bearer(TOKEN) })).statusCode).toBe(200);
      expect((await scrape({ remoteAddress: REMOTE })).statusCode).toBe(401);
    }
  });
});
