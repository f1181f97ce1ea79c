import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionService } from '../src/delivery/decisions/decision.service.js';
import { createDecisionsFastPath, takesFastPath } from '../src/delivery/decisions/decisions-fast-path.js';
import { activeLineItem } from './delivery.helpers.js';
import { createHarness, createKey, type Harness, login, OPERATOR, type Session } from './harness.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const US_IP = '8.8.8.8';
const GB_IP = '212.58.244.22';
const STARTED = { startsAt: '2026-11-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };
/** What the route answers with on every path, success or problem, besides the status. */
const COMPARED_HEADERS = ['content-type', 'access-control-allow-origin', 'access-control-expose-headers', 'cache-control', 'retry-after'];

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The local port of the client socket: equal for two requests means the connection was kept alive. */
  localPort: number;
}

/** One request over a real socket (node:http, so every header and the connection are visible). */
function send(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string; agent?: Agent },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body;
    const headers: Record<string, string | number> = { 'user-agent': IPHONE, ...options.headers };
    if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = Buffer.byteLength(body);
    const req = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/v1/decisions', headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            localPort: req.socket?.localPort ?? 0,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** An answer with what differs between two decisions of the same request masked: decision ids and signed tokens. */
const masked = (body: string) =>
  body.replace(/"decisionId":"[^"]+"/g, '"decisionId":"D"').replace(/([?&]|&amp;)t=[A-Za-z0-9_.~-]+/g, '$1t=T');

const headersOf = (headers: IncomingHttpHeaders | Record<string, unknown>) =>
  Object.fromEntries(COMPARED_HEADERS.map((name) => [name, headers[name]]));

describe('POST /v1/decisions fast path (a real socket)', () => {
  let h: Harness;
  let owner: Session;
  let ids: Awaited<ReturnType<typeof activeLineItem>>;
  let port: number;
  let direct: Server | undefined;

  beforeEach(async () => {
    h = await createHarness();
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    ids = await activeLineItem(h, owner, {
      campaign: STARTED,
      lineItem: { targeting: { deviceTypes: ['mobile'], keywords: { none: ['politics'] } } },
    });
    await h.app.delivery.catalog.settle();
    await h.app.delivery.allowances.settle();
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    port = (h.app.server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    if (direct) await new Promise((r) => direct?.close(r));
    direct = undefined;
    await h.close();
  });

  const slot = () => ({ divName: 'top', placementId: ids.placementId });
  /** The same request through Fastify's route (inject), with the socket's Host so tracking URLs share the origin. */
  const viaFastify = (payload: string, headers: Record<string, string> = JSON_HEADERS) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: { 'user-agent': IPHONE, host: `127.0.0.1:${port}`, ...headers },
      payload,
    });

  /**
   * A server whose only handler is the fast path: a request it would not take answers 599, so each
   * answer below is the fast path's own, not Fastify's.
   */
  async function fastPathOnly(service: DecisionService = h.app.delivery.decisions): Promise<number> {
    const handle = createDecisionsFastPath(h.app, { decisions: service });
    direct = createServer((req, res) => {
      if (takesFastPath(req)) handle(req, res);
      else res.writeHead(599).end();
    });
    await new Promise<void>((r) => direct?.listen(0, '127.0.0.1', r));
    return (direct.address() as AddressInfo).port;
  }

  it('answers what the route answers for the same request (headers, body, slot metrics, latency series)', async () => {
    const fastPort = await fastPathOnly();
    const cases = [
      { body: { placements: [slot()], ip: US_IP, url: 'https://news.example/today' }, type: 'application/json' },
      { body: { placements: [slot()], ip: GB_IP }, type: 'text/plain;charset=UTF-8' },
      { body: { placements: [slot()], ip: US_IP, keywords: ['politics'] }, type: 'application/json; charset=utf-8' },
    ];
    for (const { body, type } of cases) {
      const payload = JSON.stringify(body);
      const route = await viaFastify(payload, { 'content-type': type });
      // The fast-path-only server answers on another port: its Host is that of the main server, as in viaFastify.
      const fast = await send(fastPort, { body: payload, headers: { 'content-type': type, host: `127.0.0.1:${port}` } });
      expect(fast.status, fast.body).toBe(200);
      expect(route.statusCode).toBe(200);
      expect(headersOf(fast.headers)).toEqual(headersOf(route.headers));
      expect(JSON.parse(masked(fast.body))).toEqual(JSON.parse(masked(route.body)));
    }
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    // Three through the route, three through the fast path: one filled each, two unfilled each.
    expect(metrics).toContain('adplatform_decision_slots_total{outcome="filled"} 2');
    expect(metrics).toContain('adplatform_decision_slots_total{outcome="unfilled"} 4');
    expect(metrics).toMatch(
      /adplatform_http_request_duration_seconds_count\{method="POST",route="\/v1\/decisions",status_code="200"\} 6\n/,
    );
  });

  it('refuses bad bodies with the route’s problem+json naming the field, with the same headers', async () => {
    const fastPort = await fastPathOnly();
    const bad = [
      JSON.stringify({ placements: [{ ...slot(), count: 'two' }] }),
      JSON.stringify({ placements: [slot()], colour: 'red' }),
      JSON.stringify({ placements: [] }),
      JSON.stringify({ placements: [{ divName: 'top', placementId: '00000000-0000-4000-8000-000000000000' }] }), // the service's 400
      JSON.stringify({ placements: [slot(), slot()] }),
      '{"placements": [',
      'null',
    ];
    for (const payload of bad) {
      const route = await viaFastify(payload);
      const fast = await send(fastPort, { body: payload, headers: { ...JSON_HEADERS, 'x-request-id': 'req-42' } });
      expect(fast.status, payload).toBe(route.statusCode);
      expect(fast.status).toBe(400);
      expect(headersOf(fast.headers), payload).toEqual(headersOf(route.headers));
      expect(fast.headers['x-request-id']).toBe('req-42');
      const problem = JSON.parse(fast.body);
      expect(problem).toEqual({ ...route.json(), requestId: 'req-42' });
      expect(problem.errors[0].path).toMatch(/^body/);
    }
    const named = JSON.parse((await send(fastPort, { body: bad[0], headers: JSON_HEADERS })).body);
    expect(named.errors).toContainEqual({ path: 'body.placements[0].count', message: 'must be integer' });
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /adplatform_http_request_duration_seconds_count\{method="POST",route="\/v1\/decisions",status_code="400"\} 15\n/,
    );
  });

  it('refuses any random non-conforming body as the route does', async () => {
    const fastPort = await fastPathOnly();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          { placements: fc.anything({ maxDepth: 2 }), keywords: fc.anything({ maxDepth: 1 }), user: fc.anything({ maxDepth: 1 }) },
          { requiredKeys: [] },
        ),
        async (body) => {
          const payload = JSON.stringify(body);
          const route = await viaFastify(payload);
          const fast = await send(fastPort, { body: payload, headers: { ...JSON_HEADERS, 'x-request-id': 'p' } });
          expect(fast.status).toBe(route.statusCode);
          if (fast.status !== 200) expect(JSON.parse(fast.body)).toEqual({ ...route.json(), requestId: 'p' });
        },
      ),
      { numRuns: 40, seed: 4 },
    );
  });

  it('answers an exception with a 500 problem+json, and keeps serving', async () => {
    const failing = { decide: () => Promise.reject(new Error('boom')) } as unknown as DecisionService;
    const fastPort = await fastPathOnly(failing);
    const payload = JSON.stringify({ placements: [slot()] });
    const fast = await send(fastPort, { body: payload, headers: JSON_HEADERS });
    expect(fast.status).toBe(500);
    expect(fast.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(fast.body)).toMatchObject({ code: 'INTERNAL', status: 500, instance: '/v1/decisions' });
    expect((await send(fastPort, { body: payload, headers: JSON_HEADERS })).status).toBe(500);
  });

  it('serves through the app’s own server: request id echoed, keep-alive, query string ignored', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const payload = JSON.stringify({ placements: [slot()], ip: US_IP });
      const first = await send(port, { body: payload, headers: { ...JSON_HEADERS, 'x-request-id': 'page-7' }, agent });
      const second = await send(port, { path: '/v1/decisions?cb=123', body: payload, headers: JSON_HEADERS, agent });
      expect(first.status, first.body).toBe(200);
      expect(first.headers['x-request-id']).toBe('page-7');
      expect(first.headers.connection).toBe('keep-alive');
      expect(second.status).toBe(200);
      expect(second.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(second.localPort).toBe(first.localPort);
      expect(JSON.parse(first.body).decisions.top[0].lineItemId).toBe(ids.lineItemId);
      expect(JSON.parse(first.body).decisions.top[0].clickUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/t/click\\?`));
      // A malformed body on the same connection: 400, and the connection still serves.
      const malformed = await send(port, { body: '{"placements":', headers: JSON_HEADERS, agent });
      expect(malformed.status).toBe(400);
      expect(JSON.parse(malformed.body)).toMatchObject({ code: 'MALFORMED_JSON', errors: [{ path: 'body' }] });
      expect((await send(port, { body: payload, headers: JSON_HEADERS, agent })).localPort).toBe(first.localPort);
    } finally {
      agent.destroy();
    }
  });

  it('leaves the rest to Fastify: 413, preflight, explain with credentials, other methods and paths', async () => {
    const big = JSON.stringify({ placements: [slot()], url: 'x'.repeat(70_000) });
    const tooLarge = await send(port, { body: big, headers: JSON_HEADERS });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ code: 'BODY_TOO_LARGE', errors: [{ path: 'body' }] });

    const preflight = await send(port, { method: 'OPTIONS', headers: { origin: 'https://news.example' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    expect(preflight.headers['access-control-allow-headers']).toBe('content-type, authorization');

    const explain = JSON.stringify({ placements: [slot()], ip: GB_IP, explain: true });
    // Without credentials the fast path takes it, and the service refuses it as the route does.
    const anonymous = await send(port, { body: explain, headers: JSON_HEADERS });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['access-control-allow-origin']).toBe('*');
    const wrongKey = await send(port, { body: explain, headers: { ...JSON_HEADERS, authorization: 'Bearer adp_nope' } });
    expect(wrongKey.status).toBe(401);
    const { key } = await createKey(h.app, owner.headers, 'analyst');
    const explained = await send(port, { body: explain, headers: { ...JSON_HEADERS, authorization: `Bearer ${key}` } });
    expect(explained.status, explained.body).toBe(200);
    expect(JSON.parse(explained.body).explanation).toContainEqual(
      expect.objectContaining({ slotId: 'top', lineItemId: ids.lineItemId, step: 'targeting' }),
    );
    expect((await send(port, { method: 'PUT', body: '{}', headers: JSON_HEADERS })).status).toBe(404);
    expect((await send(port, { body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
  });

  it('decides by headers alone which requests it takes', () => {
    const req = (method: string, url: string, headers: Record<string, string>) => ({ method, url, headers }) as unknown as IncomingMessage;
    const ok = { host: 'a', 'content-type': 'application/json', 'content-length': '20' };
    expect(takesFastPath(req('POST', '/v1/decisions', ok))).toBe(true);
    expect(takesFastPath(req('POST', '/v1/decisions?x=1', ok))).toBe(true);
    expect(takesFastPath(req('POST', '/v1/decisions', { ...ok, 'content-type': 'text/plain;charset=UTF-8' }))).toBe(true);
    for (const [method, url, headers] of [
      ['GET', '/v1/decisions', ok],
      ['POST', '/v1/decisions/', ok],
      ['POST', '/v1/decisionsx', ok],
      ['POST', '/v1/decisions', { ...ok, authorization: 'Bearer k' }],
      ['POST', '/v1/decisions', { ...ok, cookie: 'adp_session=x' }],
      ['POST', '/v1/decisions', { ...ok, 'content-length': '65537' }],
      ['POST', '/v1/decisions', { ...ok, 'content-length': '0' }],
      ['POST', '/v1/decisions', { host: 'a', 'content-type': 'application/json' }],
      ['POST', '/v1/decisions', { ...ok, 'content-type': 'application/x-www-form-urlencoded' }],
      ['POST', '/v1/decisions', { ...ok, 'transfer-encoding': 'chunked' }],
      ['POST', '/v1/decisions', { ...ok, expect: '100-continue' }],
      ['POST', '/v1/decisions', { 'content-type': 'application/json', 'content-length': '20' }],
    ] as const) {
      expect(takesFastPath(req(method, url, headers)), `${method} ${url} ${JSON.stringify(headers)}`).toBe(false);
    }
  });
});
