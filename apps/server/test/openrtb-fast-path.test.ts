import type { IncomingMessage } from 'node:http';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { takesOpenRtbFastPath } from '../src/openrtb/openrtb-fast-path.js';
import { activeLineItem } from './delivery.helpers.js';
import { createHarness, type Harness, login, OPERATOR } from './harness.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const STARTED = { startsAt: '2026-11-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };
/** What the route answers with besides the status and body. */
const COMPARED_HEADERS = [
  'content-type',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'vary',
  'cache-control',
] as const;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(port: number, options: { path?: string; headers?: Record<string, string>; body: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      'user-agent': IPHONE,
      'content-length': Buffer.byteLength(options.body),
      ...options.headers,
    };
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: options.path ?? '/openrtb2/auction', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** What differs between two answers to the same request: ids minted per auction, signed tokens, the request id. */
const masked = (body: string) =>
  body
    .replace(/"id":"[0-9a-f-]{36}"/g, '"id":"B"')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .replace(/([?&]|&amp;)t=[A-Za-z0-9_.~-]+/g, '$1t=T')
    .replace(/"requestId":"[^"]+"/g, '"requestId":"R"');

const headersOf = (headers: IncomingHttpHeaders | Record<string, unknown>) =>
  Object.fromEntries(COMPARED_HEADERS.map((name) => [name, headers[name]]));

describe('POST /openrtb2/auction fast path (a real socket)', () => {
  let h: Harness;
  let placementId: string;
  let port: number;

  beforeEach(async () => {
    h = await createHarness({
      openrtb: { fanout: { collect: async () => ({ bids: [], nonBids: [] }), close: async () => {} }, random: () => 0.5 },
    });
    const owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    ({ placementId } = await activeLineItem(h, owner, { campaign: STARTED, lineItem: { priority: 'price' } }));
    await h.app.delivery.catalog.settle();
    await h.app.delivery.allowances.settle();
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    port = (h.app.server.address() as AddressInfo).port;
  });
  afterEach(async () => h.close());

  const bidRequest = (extra: object = {}) =>
    JSON.stringify({
      id: 'auction-1',
      imp: [{ id: 'imp-1', tagid: placementId, banner: { format: [{ w: 300, h: 250 }] } }],
      site: { page: 'https://news.example/today', domain: 'news.example' },
      device: { ip: '8.8.8.8', ua: IPHONE },
      tmax: 500,
      test: 1, // spends nothing: every answer here has the same budget and frequency behind it
      ext: { prebid: { targeting: { pricegranularity: 'medium' } } },
      ...extra,
    });

  /** The same request through the socket (the fast path) and through `inject` (the Fastify route). */
  async function both(body: string, headers: Record<string, string> = {}) {
    const all = { 'content-type': 'text/plain', ...headers };
    const fast = await send(port, { body, headers: all });
    const route = await h.app.inject({
      method: 'POST',
      url: '/openrtb2/auction',
      headers: { ...all, 'user-agent': IPHONE, host: `127.0.0.1:${port}` },
      payload: body,
    });
    return { fast, route };
  }

  it('answers a bid, a no-bid and each kind of refusal exactly as the route does', async () => {
    const cases: [string, string, Record<string, string>, number][] = [
      ['a bid', bidRequest(), {}, 200],
      ['a bid, called from a page', bidRequest(), { origin: 'https://news.example' }, 200],
      ['no placement of ours', bidRequest({ imp: [{ id: '1', tagid: 'nope', banner: { w: 300, h: 250 } }] }), {}, 204],
      ['an invalid request', bidRequest({ imp: [{ id: '1', banner: { w: -1, h: 250 } }] }), { origin: 'https://news.example' }, 400],
      ['malformed JSON', '{"id": "x",', { 'content-type': 'application/json' }, 400],
    ];
    for (const [name, body, headers, status] of cases) {
      const { fast, route } = await both(body, headers);
      expect({ name, status: fast.status }).toEqual({ name, status });
      expect({ name, status: route.statusCode }).toEqual({ name, status });
      expect({ name, headers: headersOf(fast.headers) }).toEqual({ name, headers: headersOf(route.headers) });
      expect(fast.headers['x-request-id']).toBeTruthy();
      // The same JSON (a problem's keys may come in another order: the route's serializer follows its schema).
      const parsed = (body: string): unknown => (body === '' ? '' : JSON.parse(masked(body)));
      expect({ name, body: parsed(fast.body) }).toEqual({ name, body: parsed(route.body) });
    }
  });

  it('leaves to the route what it does not take: a query string (gzip), credentials, an oversized or chunked body', () => {
    const req = (url: string, headers: Record<string, string>) =>
      ({
        method: 'POST',
        url,
        headers: { host: 'ads.example', 'content-type': 'text/plain', 'content-length': '100', ...headers },
      }) as unknown as IncomingMessage;
    expect(takesOpenRtbFastPath(req('/openrtb2/auction', {}), 1_000)).toBe(true);
    expect(takesOpenRtbFastPath(req('/openrtb2/auction?gzip=1', {}), 1_000)).toBe(false);
    expect(takesOpenRtbFastPath(req('/openrtb2/bid', {}), 1_000)).toBe(false);
    expect(takesOpenRtbFastPath(req('/openrtb2/auction', { cookie: 'sid=1' }), 1_000)).toBe(false);
    expect(takesOpenRtbFastPath(req('/openrtb2/auction', { 'content-encoding': 'gzip' }), 1_000)).toBe(false);
    expect(takesOpenRtbFastPath(req('/openrtb2/auction', { 'content-length': '1001' }), 1_000)).toBe(false);
    expect(takesOpenRtbFastPath(req('/openrtb2/auction', { 'content-type': 'application/xml' }), 1_000)).toBe(false);
  });

  it('counts its answers in the route latency histogram', async () => {
    await send(port, { body: bidRequest(), headers: { 'content-type': 'application/json' } });
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/adplatform_http_request_duration_seconds_count\{[^}]*route="\/openrtb2\/auction"[^}]*\} [1-9]/);
  });
});
